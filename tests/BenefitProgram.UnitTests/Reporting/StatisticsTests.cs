using BenefitProgram.Reporting.Statistics;

namespace BenefitProgram.UnitTests.Reporting;

public sealed class StatisticsTests
{
    [Fact]
    public void Kaplan_meier_matches_the_textbook_example()
    {
        // Six members: churned after 6, 6, 12 days; censored (still members) at 8, 10, 15 days.
        var curve = KaplanMeier.Estimate([new(6, true), new(6, true), new(8, false), new(10, false), new(12, true), new(15, false)]);

        // t=6: 6 at risk, 2 churned → S = 4/6. t=12: 2 at risk, 1 churned → S = 4/6 × 1/2 = 1/3.
        Assert.Equal(4.0 / 6, KaplanMeier.At(curve, 6).Survival, 12);
        Assert.Equal(4.0 / 6, KaplanMeier.At(curve, 11).Survival, 12);
        Assert.Equal(1.0 / 3, KaplanMeier.At(curve, 12).Survival, 12);
        Assert.Equal(2, KaplanMeier.At(curve, 12).AtRisk);
        Assert.Equal(1.0, KaplanMeier.At(curve, 3).Survival);
    }

    [Fact]
    public void The_survival_interval_follows_greenwood_on_the_log_log_scale()
    {
        // 100 members, 20 churn on day 30, the rest are censored on day 60: S(30) = 0.8.
        var tenures = Enumerable.Repeat(new Tenure(30, true), 20).Concat(Enumerable.Repeat(new Tenure(60, false), 80));
        var point = KaplanMeier.At(KaplanMeier.Estimate(tenures), 30);

        Assert.Equal(0.8, point.Survival, 12);
        // Greenwood: var = S² × 20/(100×80) = 0.0016; log-log se = sqrt(20/(100×80)) / |ln 0.8| = 0.05/0.22314 = 0.22407.
        var se = Math.Sqrt(20.0 / (100 * 80)) / Math.Abs(Math.Log(0.8));
        Assert.Equal(Math.Pow(0.8, Math.Exp(1.959963984540054 * se)), point.Lower, 12);
        Assert.Equal(Math.Pow(0.8, Math.Exp(-1.959963984540054 * se)), point.Upper, 12);
        Assert.InRange(point.Lower, 0.70, 0.80);
        Assert.InRange(point.Upper, 0.80, 0.88);
    }

    [Fact]
    public void A_group_with_exactly_half_the_churn_shows_half_the_rate_and_a_significant_difference()
    {
        // Users of benefits: 50 of 1,000 cancel (5 %); non-users: 100 of 1,000 (10 %).
        var users = Rate.Of(50, 1_000);
        var others = Rate.Of(100, 1_000);

        Assert.Equal(0.05, users.Value, 12);
        Assert.Equal(0.10, others.Value, 12);
        Assert.Equal(0.5, users.Value / others.Value, 12);
        // Wilson 95 % interval for 50/1000: centre 0.05172, half-width 0.01359 → [0.0381, 0.0653].
        Assert.Equal(0.0381, users.Lower, 4);
        Assert.Equal(0.0653, users.Upper, 4);

        var difference = RateDifference.Between(users, others);
        Assert.Equal(-0.05, difference.Value, 12);
        Assert.True(difference.IsSignificant);
        Assert.InRange(difference.Upper, -0.04, -0.02);
    }

    [Fact]
    public void Equal_groups_are_not_called_different()
    {
        var difference = RateDifference.Between(Rate.Of(30, 400), Rate.Of(31, 410));
        Assert.False(difference.IsSignificant);
    }

    [Fact]
    public void Wilson_stays_inside_zero_and_one_at_the_edges()
    {
        var none = Rate.Of(0, 20);
        Assert.Equal(0, none.Lower);
        Assert.InRange(none.Upper, 0.15, 0.17); // 0.1611 for 0/20
        var all = Rate.Of(20, 20);
        Assert.Equal(1, all.Upper, 12);
        Assert.Equal(0, Rate.Of(0, 0).Value);
    }
}
