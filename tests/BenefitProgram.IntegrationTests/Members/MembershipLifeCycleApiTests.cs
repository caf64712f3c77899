using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BenefitProgram.IntegrationTests.Members.MembersTestKit;

namespace BenefitProgram.IntegrationTests.Members;

public sealed class MembershipLifeCycleApiTests(AppFixture fixture) : ApiTest(fixture)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedPlansAsync(App);
    }

    [Fact]
    public async Task Signing_up_for_plus_starts_a_30_day_trial_that_ends_into_active_with_the_first_fee()
    {
        var (member, memberId) = await SignUpAsync(Fixture, "plus");
        var membership = await MembershipAsync(member);
        Assert.Equal("Trialing", Status(membership));
        Assert.True(membership.GetProperty("inGoodStanding").GetBoolean());
        Assert.Equal(690, membership.GetProperty("nextCharge").GetProperty("amountMinorUnits").GetInt64());

        App.Clock.Advance(TimeSpan.FromDays(30).Add(TimeSpan.FromHours(1)));
        var report = await RunBillingAsync(Fixture);
        Assert.Equal(1, report.GetProperty("trialsConverted").GetInt32());
        Assert.Equal("Active", Status(await MembershipAsync(member)));
        var fees = await member.GetFromJsonAsync<JsonElement>("/api/v1/me/fees");
        Assert.Equal(1, fees.GetArrayLength());
        Assert.Equal("Paid", fees[0].GetProperty("status").GetString());
        Assert.Equal(690, fees[0].GetProperty("amountMinorUnits").GetInt64());

        // Running the night again changes nothing.
        var again = await RunBillingAsync(Fixture);
        Assert.Equal(0, again.GetProperty("trialsConverted").GetInt32() + again.GetProperty("renewed").GetInt32());
        Assert.Equal(1, (await member.GetFromJsonAsync<JsonElement>("/api/v1/me/fees")).GetArrayLength());

        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<MembershipActivated>(m => m.Context.Message.MemberId == memberId));
        Assert.True(await App.Harness.Published.Any<FeeCharged>(m => m.Context.Message.MemberId == memberId && m.Context.Message.AmountMinorUnits == 690));
    }

    [Fact]
    public async Task Cancelling_takes_effect_at_the_end_of_the_paid_period_with_the_reason_recorded()
    {
        var (member, memberId) = await SignUpAsync(Fixture, "premium");
        var active = await MembershipAsync(member);
        Assert.Equal("Active", Status(active));
        var periodEnd = active.GetProperty("currentPeriodEnd").GetDateTimeOffset();

        var cancel = await member.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "too-expensive", comment = "Zu teuer" });
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var cancelled = await cancel.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Cancelled", Status(cancelled));
        Assert.True(cancelled.GetProperty("inGoodStanding").GetBoolean());
        Assert.Equal(periodEnd, cancelled.GetProperty("endsAt").GetDateTimeOffset());

        App.Clock.SetUtcNow(periodEnd.AddMinutes(5));
        await RunBillingAsync(Fixture);
        var ended = await MembershipAsync(member);
        Assert.Equal("Ended", Status(ended));
        Assert.False(ended.GetProperty("inGoodStanding").GetBoolean());

        var history = await DbAsync(App, db => db.Transitions.Where(t => t.MemberId == memberId).OrderBy(t => t.Id).ToListAsync());
        Assert.Equal([MembershipStatus.PendingPaymentMethod, MembershipStatus.Active, MembershipStatus.Cancelled, MembershipStatus.Ended], history.Select(t => t.ToStatus));
        Assert.Equal("too-expensive", history[2].ReasonCode);
        Assert.Equal("Zu teuer", history[2].ReasonText);
        Assert.Equal($"user:", history[2].Actor[..5]);
        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<MembershipEnded>(m => m.Context.Message.MemberId == memberId && m.Context.Message.Kind == EndKind.Voluntary));
        Assert.True(await App.Harness.Published.Any<MembershipCancelled>(m => m.Context.Message.MemberId == memberId && m.Context.Message.ReasonCode == "too-expensive"));
    }

    [Fact]
    public async Task A_failed_payment_goes_past_due_then_suspended_then_ended_and_entitlement_follows()
    {
        var (member, memberId) = await SignUpAsync(Fixture, "premium");
        var ops = await Fixture.OperatorAsync();
        (await ops.PostAsJsonAsync($"/api/v1/ops/members/{memberId}/billing-simulation", new { failPayments = true })).EnsureSuccessStatusCode();
        var periodEnd = (await MembershipAsync(member)).GetProperty("currentPeriodEnd").GetDateTimeOffset();

        App.Clock.SetUtcNow(periodEnd.AddHours(1));
        var report = await RunBillingAsync(Fixture);
        Assert.Equal(1, report.GetProperty("paymentsFailed").GetInt32());
        var pastDue = await MembershipAsync(member);
        Assert.Equal("PastDue", Status(pastDue));
        Assert.True(pastDue.GetProperty("inGoodStanding").GetBoolean(), "within the grace period");
        Assert.True(await EntitledAsync(memberId));

        App.Clock.Advance(TimeSpan.FromDays(8));
        await RunBillingAsync(Fixture); // a retry that fails again
        Assert.Equal("PastDue", Status(await MembershipAsync(member)));
        Assert.False(await EntitledAsync(memberId), "grace period is over");

        App.Clock.Advance(TimeSpan.FromDays(7));
        await RunBillingAsync(Fixture);
        Assert.Equal("Suspended", Status(await MembershipAsync(member)));

        App.Clock.Advance(TimeSpan.FromDays(31));
        await RunBillingAsync(Fixture);
        Assert.Equal("Ended", Status(await MembershipAsync(member)));
        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<PaymentFailed>(m => m.Context.Message.MemberId == memberId));
        Assert.True(await App.Harness.Published.Any<MembershipSuspended>(m => m.Context.Message.MemberId == memberId));
        Assert.True(await App.Harness.Published.Any<MembershipEnded>(m => m.Context.Message.MemberId == memberId && m.Context.Message.Kind == EndKind.Involuntary));
        var fees = await member.GetFromJsonAsync<JsonElement>("/api/v1/me/fees");
        Assert.Contains(fees.EnumerateArray(), f => f.GetProperty("status").GetString() == "Failed");
    }

    [Fact]
    public async Task A_past_due_member_who_pays_is_reactivated()
    {
        var (member, memberId) = await SignUpAsync(Fixture, "premium");
        var ops = await Fixture.OperatorAsync();
        (await ops.PostAsJsonAsync($"/api/v1/ops/members/{memberId}/billing-simulation", new { failPayments = true })).EnsureSuccessStatusCode();
        App.Clock.SetUtcNow((await MembershipAsync(member)).GetProperty("currentPeriodEnd").GetDateTimeOffset().AddHours(1));
        await RunBillingAsync(Fixture);
        ops = await Fixture.OperatorAsync();
        (await ops.PostAsJsonAsync($"/api/v1/ops/members/{memberId}/billing-simulation", new { failPayments = false })).EnsureSuccessStatusCode();

        var reactivate = await member.PostAsync("/api/v1/me/membership/reactivate", null);
        Assert.Equal(HttpStatusCode.OK, reactivate.StatusCode);
        Assert.Equal("Active", Status(await reactivate.Content.ReadFromJsonAsync<JsonElement>()));
    }

    [Fact]
    public async Task An_upgrade_applies_now_with_a_pro_rata_fee_and_a_downgrade_at_the_period_end()
    {
        var (member, memberId) = await SignUpAsync(Fixture, "plus");
        App.Clock.Advance(TimeSpan.FromDays(31));
        await RunBillingAsync(Fixture); // trial → active
        var active = await MembershipAsync(member);
        var start = active.GetProperty("currentPeriodStart").GetDateTimeOffset();
        var end = active.GetProperty("currentPeriodEnd").GetDateTimeOffset();
        App.Clock.SetUtcNow(start + (end - start) / 2);

        var up = await member.PostAsJsonAsync("/api/v1/me/membership/change-plan", new { planCode = "premium" });
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal("premium", (await up.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("plan").GetProperty("code").GetString());
        var fees = await member.GetFromJsonAsync<JsonElement>("/api/v1/me/fees");
        Assert.Contains(fees.EnumerateArray(), f => f.GetProperty("kind").GetString() == "Upgrade" && f.GetProperty("amountMinorUnits").GetInt64() == 300);

        var down = await member.PostAsJsonAsync("/api/v1/me/membership/change-plan", new { planCode = "basis" });
        var downView = await down.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("premium", downView.GetProperty("plan").GetProperty("code").GetString());
        Assert.Equal("basis", downView.GetProperty("scheduledPlan").GetProperty("code").GetString());

        App.Clock.SetUtcNow(end.AddHours(1));
        await RunBillingAsync(Fixture);
        var after = await MembershipAsync(member);
        Assert.Equal("basis", after.GetProperty("plan").GetProperty("code").GetString());
        Assert.Equal("Active", Status(after));
        await App.DeliverEventsAsync();
        Assert.Equal(2, App.Harness.Published.Select<PlanChanged>().Count(m => m.Context.Message.MemberId == memberId));
    }

    [Fact]
    public async Task Pausing_stops_benefits_and_resuming_restores_them()
    {
        var (member, memberId) = await SignUpAsync(Fixture, "premium");
        var paused = await member.PostAsync("/api/v1/me/membership/pause", null);
        Assert.Equal("Paused", Status(await paused.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.False(await EntitledAsync(memberId));
        var resumed = await member.PostAsync("/api/v1/me/membership/resume", null);
        Assert.Equal("Active", Status(await resumed.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.True(await EntitledAsync(memberId));
    }

    [Fact]
    public async Task Reactivating_after_the_end_charges_a_new_period()
    {
        var (member, _) = await SignUpAsync(Fixture, "premium");
        await member.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "moving-away" });
        App.Clock.Advance(TimeSpan.FromDays(40));
        await RunBillingAsync(Fixture);
        Assert.Equal("Ended", Status(await MembershipAsync(member)));

        var again = await member.PostAsync("/api/v1/me/membership/reactivate", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("Active", Status(await again.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(2, (await member.GetFromJsonAsync<JsonElement>("/api/v1/me/fees")).GetArrayLength());
    }

    [Fact]
    public async Task Cancelling_and_reactivating_before_the_period_end_revokes_the_cancellation()
    {
        var (member, _) = await SignUpAsync(Fixture, "plus");
        await member.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "not-using-benefits" });
        var back = await member.PostAsync("/api/v1/me/membership/reactivate", null);
        Assert.Equal("Trialing", Status(await back.Content.ReadFromJsonAsync<JsonElement>()));
    }

    public static TheoryData<string, string, string> ForbiddenCases() => new()
    {
        // setup, forbidden action, problem type
        { "cancelled", "cancel", "membership-already-cancelled" },
        { "ended", "cancel", "membership-ended" },
        { "active", "resume", "resume-not-allowed" },
        { "trialing", "pause", "pause-not-allowed" },
        { "paused", "pause", "pause-not-allowed" },
        { "cancelled", "change-plan", "plan-change-not-allowed" },
        { "paused", "change-plan", "plan-change-not-allowed" },
        { "active", "reactivate", "reactivation-not-allowed" },
        { "trialing", "reactivate", "reactivation-not-allowed" },
        { "basis", "pause", "pause-not-allowed" },
        { "active", "same-plan", "same-plan" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenCases))]
    public async Task A_forbidden_transition_is_a_problem_naming_the_rule_and_changes_nothing(string setup, string action, string rule)
    {
        var (member, memberId) = await SignUpAsync(Fixture, setup switch { "trialing" or "cancelled" => "plus", "basis" => "basis", _ => "premium" });
        switch (setup)
        {
            case "cancelled":
                await member.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "too-expensive" });
                break;
            case "ended":
                await member.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "too-expensive" });
                App.Clock.Advance(TimeSpan.FromDays(40));
                await RunBillingAsync(Fixture);
                break;
            case "paused":
                await member.PostAsync("/api/v1/me/membership/pause", null);
                break;
        }

        var before = await TransitionCountAsync(App, memberId);
        var statusBefore = Status(await MembershipAsync(member));
        var response = action switch
        {
            "cancel" => await member.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "other", comment = "again" }),
            "change-plan" => await member.PostAsJsonAsync("/api/v1/me/membership/change-plan", new { planCode = "basis" }),
            "same-plan" => await member.PostAsJsonAsync("/api/v1/me/membership/change-plan", new { planCode = "premium" }),
            _ => await member.PostAsync($"/api/v1/me/membership/{action}", null),
        };

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(rule, await ProblemTypeAsync(response));
        Assert.Equal(before, await TransitionCountAsync(App, memberId));
        Assert.Equal(statusBefore, Status(await MembershipAsync(member)));
    }

    [Fact]
    public async Task The_entitlement_query_answers_plan_entitlements_and_good_standing()
    {
        var (_, memberId) = await SignUpAsync(Fixture, "premium");
        await using var scope = App.Services.CreateAsyncScope();
        var entitlements = scope.ServiceProvider.GetRequiredService<IMemberEntitlements>();
        var e = await entitlements.GetAsync(DemoIds.PlusKontoProgram, memberId, CancellationToken.None);
        Assert.NotNull(e);
        Assert.Equal("premium", e.PlanCode);
        Assert.True(e.InGoodStanding);
        Assert.Equal(150, e.CashbackMultiplierPercent);
        Assert.Equal(new RefundCap("airport-taxi", 2, 4000, "EUR"), Assert.Single(e.RefundCaps));
        Assert.Equal("80331", e.PostalCode);
        Assert.True(e.MayRedeem(BenefitKinds.Refund, "travel"));
        Assert.Null(await entitlements.GetAsync(DemoIds.OtherProgram, memberId, CancellationToken.None));
        Assert.Equal(memberId, await entitlements.FindMemberIdByNumberAsync(DemoIds.PlusKontoProgram, e.MemberNumber, CancellationToken.None));
        var before = await entitlements.GetAsync(DemoIds.PlusKontoProgram, memberId, App.Clock.GetUtcNow().AddMinutes(-1), CancellationToken.None);
        Assert.Null(before); // not a member yet
    }

    [Fact]
    public async Task Bulk_timelines_and_member_numbers_answer_what_the_single_queries_answer_at_every_instant()
    {
        var signedUpAt = App.Clock.GetUtcNow();
        var (member, memberId) = await SignUpAsync(Fixture, "premium");
        var (_, otherId) = await SignUpAsync(Fixture, "plus");
        var ops = await Fixture.OperatorAsync();
        (await ops.PostAsJsonAsync($"/api/v1/ops/members/{memberId}/billing-simulation", new { failPayments = true })).EnsureSuccessStatusCode();
        var periodEnd = (await MembershipAsync(member)).GetProperty("currentPeriodEnd").GetDateTimeOffset();
        App.Clock.SetUtcNow(periodEnd.AddHours(1));
        await RunBillingAsync(Fixture); // past due, in the grace period
        App.Clock.Advance(TimeSpan.FromDays(8));
        await RunBillingAsync(Fixture); // grace over
        App.Clock.Advance(TimeSpan.FromDays(7));
        await RunBillingAsync(Fixture); // suspended
        Assert.Equal("Suspended", Status(await MembershipAsync(member)));

        await using var scope = App.Services.CreateAsyncScope();
        var entitlements = scope.ServiceProvider.GetRequiredService<IMemberEntitlements>();
        var timelines = await entitlements.GetTimelinesAsync(DemoIds.PlusKontoProgram, [memberId, otherId, Guid.NewGuid()], CancellationToken.None);
        Assert.Equal(new[] { memberId, otherId }.Order(), timelines.Keys.Order());
        Assert.Empty(await entitlements.GetTimelinesAsync(DemoIds.OtherProgram, [memberId], CancellationToken.None));

        static object? Shape(MemberEntitlement? e) => e is null ? null : (e.MemberId, e.PlanCode, e.Status, e.InGoodStanding, e.CashbackMultiplierPercent);
        var seen = new HashSet<(MembershipStatus, bool)>();
        for (var at = signedUpAt.AddHours(-1); at <= App.Clock.GetUtcNow(); at = at.AddHours(6))
        {
            foreach (var id in new[] { memberId, otherId })
            {
                var single = await entitlements.GetAsync(DemoIds.PlusKontoProgram, id, at, CancellationToken.None);
                Assert.Equal(Shape(single), Shape(timelines[id].At(at)));
                if (single is not null && id == memberId)
                {
                    seen.Add((single.Status, single.InGoodStanding));
                }
            }
        }

        // The grid went through the grace period and past it.
        Assert.Contains((MembershipStatus.PastDue, true), seen);
        Assert.Contains((MembershipStatus.PastDue, false), seen);
        Assert.Null(timelines[memberId].At(signedUpAt.AddMinutes(-1)));

        var number = (await entitlements.GetAsync(DemoIds.PlusKontoProgram, memberId, CancellationToken.None))!.MemberNumber;
        var numbers = await entitlements.FindMemberIdsByNumberAsync(DemoIds.PlusKontoProgram, [number, "NO-SUCH-NUMBER"], CancellationToken.None);
        Assert.Equal(memberId, Assert.Single(numbers, kv => kv.Key == number).Value);
        Assert.DoesNotContain("NO-SUCH-NUMBER", numbers.Keys);
        Assert.Empty(await entitlements.FindMemberIdsByNumberAsync(DemoIds.OtherProgram, [number], CancellationToken.None));
    }

    private async Task<bool> EntitledAsync(Guid memberId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var e = await scope.ServiceProvider.GetRequiredService<IMemberEntitlements>().GetAsync(DemoIds.PlusKontoProgram, memberId, CancellationToken.None);
        return e!.InGoodStanding;
    }
}
