using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Demo;
using BenefitProgram.Members.Domain;
using S = BenefitProgram.Members.Contracts.MembershipStatus;

namespace BenefitProgram.UnitTests.Members;

public sealed class MembershipLifeCycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly List<Plan> Plans = MembersDemoSeeder.CreatePlans(Guid.NewGuid(), T0.AddYears(-1));
    private static Plan Basis => Plans[0];
    private static Plan Plus => Plans[1];
    private static Plan Premium => Plans[2];

    internal static Membership In(S status)
    {
        var member = Member.Create(Guid.NewGuid(), Plus.ProgramId, "Anna", "Schmidt", "a@example.com", null, "80331", null, "DE", "de", null, false, false, SignUpChannel.SelfService, T0);
        var m = Membership.Create(Guid.NewGuid(), member, Plus, "Offline", T0, "test", SignUpChannel.SelfService);
        if (status == S.PendingPaymentMethod)
        {
            return m;
        }

        m.StartFreeOrTrial(T0, "test");
        if (status == S.Trialing)
        {
            return m;
        }

        m.Activate(T0.AddDays(30), T0.AddDays(30).AddMonths(1), T0.AddDays(30), "test", "trial-converted");
        var t = T0.AddDays(35);
        switch (status)
        {
            case S.PastDue:
                m.RecordPaymentFailure(690, "EUR", "declined", t, "test");
                break;
            case S.Suspended:
                m.RecordPaymentFailure(690, "EUR", "declined", t, "test");
                m.Suspend(t.AddDays(14), "test");
                break;
            case S.Paused:
                m.Pause(t, "test");
                break;
            case S.Cancelled:
                m.Cancel(CancellationReasons.TooExpensive, null, t, "test", false);
                break;
            case S.Ended:
                m.Cancel(CancellationReasons.TooExpensive, null, t, "test", false);
                m.End(EndKind.Voluntary, "too-expensive", T0.AddDays(30).AddMonths(1), "test");
                break;
        }

        Assert.Equal(status, m.Status);
        return m;
    }

    private static readonly DateTimeOffset Now = T0.AddDays(40);

    private static readonly Dictionary<string, Action<Membership>> Actions = new()
    {
        ["start-trial"] = m => m.StartTrial(Now, Now.AddDays(30), "t"),
        ["activate"] = m => m.Activate(Now, Now.AddMonths(1), Now, "t", "paid"),
        ["payment-failed"] = m => m.RecordPaymentFailure(690, "EUR", "declined", Now, "t"),
        ["suspend"] = m => m.Suspend(Now, "t"),
        ["cancel"] = m => m.Cancel(CancellationReasons.MissingOffers, "few offers", Now, "t", false),
        ["end"] = m => m.End(EndKind.Involuntary, "x", Now, "t"),
        ["revoke-cancellation"] = m => m.RevokeCancellation(Now, "t"),
        ["pause"] = m => m.Pause(Now, "t"),
        ["resume"] = m => m.Resume(Now, "t"),
        ["upgrade"] = m => m.ChangePlan(Premium, Now, "t"),
    };

    /// <summary>Every action from every state: the resulting state, or null when the rule refuses it.</summary>
    public static TheoryData<S, string, S?> Matrix() => new()
    {
        { S.PendingPaymentMethod, "start-trial", S.Trialing }, { S.PendingPaymentMethod, "activate", S.Active },
        { S.PendingPaymentMethod, "payment-failed", S.PendingPaymentMethod }, { S.PendingPaymentMethod, "suspend", null },
        { S.PendingPaymentMethod, "cancel", S.Ended }, { S.PendingPaymentMethod, "end", S.Ended },
        { S.PendingPaymentMethod, "revoke-cancellation", null }, { S.PendingPaymentMethod, "pause", null },
        { S.PendingPaymentMethod, "resume", null }, { S.PendingPaymentMethod, "upgrade", null },

        { S.Trialing, "start-trial", null }, { S.Trialing, "activate", S.Active }, { S.Trialing, "payment-failed", S.PastDue },
        { S.Trialing, "suspend", null }, { S.Trialing, "cancel", S.Ended }, { S.Trialing, "end", S.Ended },
        { S.Trialing, "revoke-cancellation", null }, { S.Trialing, "pause", null }, { S.Trialing, "resume", null },
        { S.Trialing, "upgrade", S.Trialing },

        { S.Active, "start-trial", null }, { S.Active, "activate", null }, { S.Active, "payment-failed", S.PastDue },
        { S.Active, "suspend", null }, { S.Active, "cancel", S.Cancelled }, { S.Active, "end", S.Ended },
        { S.Active, "revoke-cancellation", null }, { S.Active, "pause", S.Paused }, { S.Active, "resume", null },
        { S.Active, "upgrade", S.Active },

        { S.PastDue, "start-trial", null }, { S.PastDue, "activate", S.Active }, { S.PastDue, "payment-failed", S.PastDue },
        { S.PastDue, "suspend", S.Suspended }, { S.PastDue, "cancel", S.Ended }, { S.PastDue, "end", S.Ended },
        { S.PastDue, "revoke-cancellation", null }, { S.PastDue, "pause", null }, { S.PastDue, "resume", null },
        { S.PastDue, "upgrade", null },

        { S.Suspended, "start-trial", null }, { S.Suspended, "activate", S.Active }, { S.Suspended, "payment-failed", S.Suspended },
        { S.Suspended, "suspend", null }, { S.Suspended, "cancel", S.Ended }, { S.Suspended, "end", S.Ended },
        { S.Suspended, "revoke-cancellation", null }, { S.Suspended, "pause", null }, { S.Suspended, "resume", null },
        { S.Suspended, "upgrade", null },

        { S.Paused, "start-trial", null }, { S.Paused, "activate", S.Active }, { S.Paused, "payment-failed", null },
        { S.Paused, "suspend", null }, { S.Paused, "cancel", S.Ended }, { S.Paused, "end", S.Ended },
        { S.Paused, "revoke-cancellation", null }, { S.Paused, "pause", null }, { S.Paused, "resume", S.Active },
        { S.Paused, "upgrade", null },

        { S.Cancelled, "start-trial", S.Trialing }, { S.Cancelled, "activate", S.Active }, { S.Cancelled, "payment-failed", null },
        { S.Cancelled, "suspend", null }, { S.Cancelled, "cancel", null }, { S.Cancelled, "end", S.Ended },
        { S.Cancelled, "revoke-cancellation", S.Active }, { S.Cancelled, "pause", null }, { S.Cancelled, "resume", null },
        { S.Cancelled, "upgrade", null },

        { S.Ended, "start-trial", null }, { S.Ended, "activate", S.Active }, { S.Ended, "payment-failed", null },
        { S.Ended, "suspend", null }, { S.Ended, "cancel", null }, { S.Ended, "end", null },
        { S.Ended, "revoke-cancellation", null }, { S.Ended, "pause", null }, { S.Ended, "resume", null },
        { S.Ended, "upgrade", null },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Every_action_from_every_state_is_either_an_allowed_transition_or_a_named_rule(S from, string action, S? expected)
    {
        var m = In(from);
        var transitionsBefore = m.NewTransitions.Count;
        if (expected is { } to)
        {
            Actions[action](m);
            Assert.Equal(to, m.Status);
            Assert.True(m.NewTransitions.Count > transitionsBefore || action == "payment-failed", "a change is recorded in the history");
            if (to != from)
            {
                var last = m.NewTransitions[^1];
                Assert.Equal(to, last.ToStatus);
                Assert.Equal(Now, last.At);
                Assert.Equal("t", last.Actor);
            }
        }
        else
        {
            var rule = Assert.Throws<MembershipRuleException>(() => Actions[action](m));
            Assert.False(string.IsNullOrEmpty(rule.Code));
            Assert.Equal(from, m.Status);
            Assert.Equal(transitionsBefore, m.NewTransitions.Count);
        }
    }

    [Fact]
    public void The_transition_table_only_allows_what_the_methods_use_and_nothing_leaves_ended_except_a_new_start()
    {
        Assert.All(Membership.Allowed.Where(a => a.From == S.Ended), a => Assert.Contains(a.To, new[] { S.Active, S.PendingPaymentMethod }));
        Assert.DoesNotContain(Membership.Allowed, a => a.From == a.To);
    }

    [Fact]
    public void Cancelling_keeps_benefits_until_the_paid_period_ends()
    {
        var m = In(S.Cancelled);
        Assert.True(m.IsInGoodStanding(m.CurrentPeriodEnd!.Value.AddMinutes(-1), TimeSpan.FromDays(7)));
        Assert.False(m.IsInGoodStanding(m.CurrentPeriodEnd!.Value.AddMinutes(1), TimeSpan.FromDays(7)));
        Assert.Equal(CancellationReasons.TooExpensive, m.CancellationReasonCode);
    }

    [Fact]
    public void Past_due_is_in_good_standing_only_within_the_grace_period()
    {
        var m = In(S.PastDue);
        var since = m.PastDueSince!.Value;
        Assert.True(m.IsInGoodStanding(since.AddDays(6), TimeSpan.FromDays(7)));
        Assert.False(m.IsInGoodStanding(since.AddDays(7), TimeSpan.FromDays(7)));
        Assert.False(In(S.Suspended).IsInGoodStanding(Now, TimeSpan.FromDays(7)));
        Assert.False(In(S.Paused).IsInGoodStanding(Now, TimeSpan.FromDays(7)));
        Assert.False(In(S.Ended).IsInGoodStanding(Now, TimeSpan.FromDays(7)));
    }

    [Fact]
    public void A_downgrade_is_scheduled_for_the_period_end_and_an_upgrade_costs_the_difference_for_the_rest_of_the_period()
    {
        var m = In(S.Active);
        var start = m.CurrentPeriodStart!.Value;
        var end = m.CurrentPeriodEnd!.Value;
        var half = start + (end - start) / 2;
        Assert.Equal(300, m.UpgradeCharge(Premium, half)); // (1290 - 690) / 2
        Assert.False(m.ChangePlan(Basis, half, "t"));
        Assert.Equal(Basis.Id, m.ScheduledPlanId);
        Assert.Equal(Plus.Id, m.PlanId);
        m.ApplyScheduledPlan(Basis, end, "t");
        Assert.Equal(Basis.Id, m.PlanId);
        Assert.Contains(m.NewEvents, e => e is PlanChanged { IsUpgrade: false });
    }

    [Fact]
    public void Resuming_a_pause_gives_back_the_paid_days_that_were_left()
    {
        var m = In(S.Active);
        var end = m.CurrentPeriodEnd!.Value;
        m.Pause(end.AddDays(-10), "t");
        m.Resume(end.AddDays(20), "t");
        Assert.Equal(end.AddDays(30), m.CurrentPeriodEnd);
    }

    [Fact]
    public void A_stale_provider_state_is_ignored_and_a_newer_one_applied()
    {
        var m = In(S.Trialing);
        Assert.True(m.SyncFromProvider(200, S.Active, Now, Now.AddMonths(1), null, false, Now, "stripe"));
        Assert.False(m.SyncFromProvider(100, S.Trialing, Now, Now.AddDays(3), null, false, Now, "stripe"));
        Assert.Equal(S.Active, m.Status);
        Assert.True(m.SyncFromProvider(300, S.Ended, null, null, null, false, Now, "stripe"));
        Assert.False(m.SyncFromProvider(250, S.Active, null, null, null, false, Now, "stripe"));
        Assert.Equal(S.Ended, m.Status);
    }
}
