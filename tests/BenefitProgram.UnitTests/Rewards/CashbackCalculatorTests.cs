using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Rewards.Cashback;
using BenefitProgram.Rewards.Ledger;
using BenefitProgram.Rewards.Purchases;

namespace BenefitProgram.UnitTests.Rewards;

/// <summary>The cashback rule and its rounding; the examples are the ones in docs/adr/0013-ledger-cashback-and-payouts.md.</summary>
public sealed class CashbackCalculatorTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private static OfferTerms Offer(int? rate = 500, long? fixedMinor = null, long min = 0, long? capPurchase = null, long? capYear = null,
        OfferStatus status = OfferStatus.Live, IReadOnlyList<string>? regions = null, IReadOnlyDictionary<string, int>? byPlan = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), OfferKind.Cashback, status, At.AddYears(-1), null, ["plus", "premium"], regions ?? [],
            "Reisen", "Travel", new CashbackTerms(rate, fixedMinor, min, capPurchase, capYear, 30, byPlan ?? new Dictionary<string, int>(), "EUR"), null);

    private static MemberEntitlement Member(string plan = "premium", bool good = true, int multiplier = 100, string postal = "80331") =>
        new(Guid.NewGuid(), Guid.NewGuid(), "1", Guid.NewGuid(), Guid.NewGuid(), plan, 1, good ? MembershipStatus.Active : MembershipStatus.Suspended, good, postal, "de",
            [], BenefitKinds.All, multiplier, [], At.AddYears(-1), null);

    private static CashbackDecision Compute(long amount, OfferTerms? offer = null, MemberEntitlement? member = null, long ytd = 0, string currency = "EUR") =>
        CashbackCalculator.Compute(new CashbackInput(amount, currency, At, offer ?? Offer(), member ?? Member(), ytd));

    [Theory]
    [InlineData(199_999, 500, 100, 10_000)]   // 5 % of 1,999.99 EUR = 9,999.95 cents → 100.00 EUR
    [InlineData(12_345, 500, 100, 617)]       // 617.25 cents → 6.17 EUR
    [InlineData(12_350, 500, 100, 618)]       // 617.50 cents: a half rounds away from zero → 6.18 EUR
    [InlineData(12_330, 500, 100, 617)]       // 616.50 cents → 6.17 EUR (not banker's 6.16)
    [InlineData(199_999, 500, 150, 15_000)]   // Premium 1.5 ×: 14,999.925 cents → 150.00 EUR (rounded once, after the multiplier)
    [InlineData(1_001, 300, 100, 30)]         // 30.03 cents → 0.30 EUR
    [InlineData(9, 500, 100, 0)]              // 0.45 cents → 0: declined as zero cashback
    public void Rate_times_multiplier_is_rounded_half_away_from_zero_once(long amount, int rate, int multiplier, long expected)
    {
        var result = Compute(amount, Offer(rate), Member(multiplier: multiplier));
        Assert.Equal(expected, result.AmountMinor);
        Assert.Equal(expected == 0 ? DeclineReasons.ZeroCashback : null, result.DeclineReason);
    }

    [Fact]
    public void Caps_apply_after_rounding_per_purchase_then_what_is_left_of_the_year()
    {
        Assert.Equal(5_000, Compute(200_000, Offer(capPurchase: 5_000)).AmountMinor);
        Assert.Equal(2_000, Compute(200_000, Offer(capYear: 10_000), ytd: 8_000).AmountMinor);
        Assert.Equal(DeclineReasons.YearlyLimitReached, Compute(200_000, Offer(capYear: 10_000), ytd: 10_000).DeclineReason);
        Assert.Equal(750, Compute(10_000, Offer(rate: null, fixedMinor: 500), Member(multiplier: 150)).AmountMinor);
        Assert.Equal(700, Compute(10_000, Offer(byPlan: new Dictionary<string, int> { ["premium"] = 700 })).AmountMinor);
    }

    [Fact]
    public void Each_entitlement_rule_declines_with_its_reason()
    {
        Assert.Equal(DeclineReasons.OfferNotLive, Compute(10_000, Offer(status: OfferStatus.Paused)).DeclineReason);
        Assert.Equal(DeclineReasons.NotInGoodStanding, Compute(10_000, member: Member(good: false)).DeclineReason);
        Assert.Equal(DeclineReasons.PlanNotEligible, Compute(10_000, member: Member(plan: "basis")).DeclineReason);
        Assert.Equal(DeclineReasons.RegionNotEligible, Compute(10_000, Offer(regions: ["10"])).DeclineReason);
        Assert.Equal(DeclineReasons.CurrencyMismatch, Compute(10_000, currency: "CHF").DeclineReason);
        Assert.Equal(DeclineReasons.BelowMinimumPurchase, Compute(999, Offer(min: 1_000)).DeclineReason);
        Assert.Equal(DeclineReasons.MemberUnknown, CashbackCalculator.Compute(new CashbackInput(10_000, "EUR", At, Offer(), null, 0)).DeclineReason);
    }

    [Fact]
    public void Partial_returns_reduce_cashback_proportionally_from_the_original_and_add_up_to_one_return()
    {
        Purchase New() => new() { AmountMinor = 30_000, CashbackOriginalMinor = 1_500, CashbackMinor = 1_500, PartnerShareBasisPoints = 3_333, PartnerShareMinor = 500,
            CommissionOriginalMinor = 750, CommissionMinor = 750, State = CashbackState.Pending, Currency = "EUR" };
        var stepwise = New();
        var total = stepwise.ApplyReturn(10_000).CashbackReduction + stepwise.ApplyReturn(10_000).CashbackReduction;
        var once = New();
        Assert.Equal(once.ApplyReturn(20_000).CashbackReduction, total);
        Assert.Equal(500, stepwise.CashbackMinor);
        Assert.Equal(LedgerWriter.Split(500, 3_333).Partner, stepwise.PartnerShareMinor);
        stepwise.ApplyReturn(10_000);
        Assert.Equal(CashbackState.Reversed, stepwise.State);
        Assert.Equal(0, stepwise.CashbackMinor);
        Assert.Equal(0, stepwise.CommissionMinor);
    }

    [Theory]
    [InlineData("1999.99", 199_999)]
    [InlineData("10", 1_000)]
    [InlineData("0.5", 50)]
    public void Csv_amounts_are_read_exactly(string text, long minor)
    {
        Assert.True(PurchaseCsv.TryParseAmount(text, out var value));
        Assert.Equal(minor, value);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("1.234")]
    [InlineData("1,5")]
    [InlineData("1e3")]
    [InlineData("")]
    public void Csv_amounts_that_are_not_exact_are_refused(string text) => Assert.False(PurchaseCsv.TryParseAmount(text, out _));
}
