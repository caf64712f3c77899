using BenefitProgram.Common;
using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Platform.Contracts;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.Demo;

/// <summary>
/// Plans of the reference case for both demo programs, and for PlusKonto a few hundred members with two years of history
/// (sign-ups, trials, cancellations with reasons, past-due and ended memberships), deterministic (fixed seed). The demo
/// member anna.schmidt@example.com / Demo-Member-2026 is on Premium. Skips when the plans exist.
/// </summary>
internal sealed class MembersDemoSeeder(MembersDbContext db, IUserAccounts accounts, TimeProvider clock) : IDemoSeeder
{
    public const string DemoMemberEmail = "anna.schmidt@example.com";
    public const string DemoMemberPassword = "Demo-Member-2026";

    public int Order => 10;

    private static readonly string[] FirstNames = ["Anna", "Lukas", "Marie", "Jonas", "Sophie", "Leon", "Emma", "Paul", "Mia", "Felix", "Hannah", "Ben", "Lea", "Elias", "Lena", "Noah", "Laura", "Finn", "Julia", "Tim"];
    private static readonly string[] LastNames = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Braun", "Zimmermann", "Krüger", "Hartmann"];
    private static readonly string[] PostalCodes = ["80331", "80333", "80469", "81667", "81369", "85354", "85221", "82131", "86150", "93047"];
    private static readonly string[] Reasons = [CancellationReasons.TooExpensive, CancellationReasons.TooExpensive, CancellationReasons.NotUsingBenefits, CancellationReasons.NotUsingBenefits, CancellationReasons.MissingOffers, CancellationReasons.SwitchingBank, CancellationReasons.MovingAway, CancellationReasons.Other];

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await db.Plans.AnyAsync(p => p.ProgramId == DemoIds.PlusKontoProgram, ct))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var since = now.AddYears(-2).AddDays(-30);
        var plans = CreatePlans(DemoIds.PlusKontoProgram, since);
        db.Plans.AddRange(plans);
        db.Plans.AddRange(CreatePlans(DemoIds.OtherProgram, since));
        await db.SaveChangesAsync(ct);

        var random = new Random(20261125);
        var dunning = new DunningSettings();
        Guid? annaId = null;
        for (var i = 0; i < 300; i++)
        {
            var joined = i == 0 ? now.AddMonths(-14) : since.AddDays(30 + random.Next(0, 720)).AddHours(random.Next(8, 20));
            var plan = i == 0 ? plans[2] : plans[random.Next(100) switch { < 25 => 0, < 80 => 1, _ => 2 }];
            var first = i == 0 ? "Anna" : FirstNames[random.Next(FirstNames.Length)];
            var last = i == 0 ? "Schmidt" : LastNames[random.Next(LastNames.Length)];
            var email = i == 0 ? DemoMemberEmail : $"{Ascii(first)}.{Ascii(last)}.{i}@example.com";
            var channel = i % 3 == 0 ? SignUpChannel.Import : SignUpChannel.SelfService;
            var member = Member.Create(Guid.CreateVersion7(joined), DemoIds.PlusKontoProgram, first, last, email, $"Hauptstraße {1 + random.Next(120)}",
                PostalCodes[random.Next(PostalCodes.Length)], "München", "DE", random.Next(10) == 0 ? "en" : "de", $"K{1_000_000 + i * 7}",
                random.Next(2) == 0, random.Next(3) == 0, channel, joined);
            var m = Membership.Create(Guid.CreateVersion7(joined), member, plan, OfflineBillingProvider.ProviderName, joined, channel == SignUpChannel.Import ? "import" : "self-service", channel);
            db.Members.Add(member);
            db.Memberships.Add(m);
            if (i == 0)
            {
                annaId = member.Id;
            }

            // Replay the life: trial, monthly renewals (fees), maybe a cancellation, maybe a failed payment.
            if (plan.IsFree || plan.TrialDays > 0)
            {
                m.StartFreeOrTrial(joined, "system:demo");
            }
            else
            {
                var firstEnd = plan.PeriodEndFrom(joined);
                AddFee(m, plan, joined, firstEnd);
                m.Activate(joined, firstEnd, joined, MembershipBilling.SystemActor, "first-payment");
            }

            var churnAt = i != 0 && random.Next(100) < 30 ? joined.AddDays(20 + random.Next(0, 600)) : (DateTimeOffset?)null;
            var failAt = i != 0 && random.Next(100) < 6 ? now.AddDays(-random.Next(1, 40)) : (DateTimeOffset?)null;
            while (true)
            {
                if (m.Status == MembershipStatus.Trialing && m.TrialEndsAt <= now && (churnAt is null || churnAt >= m.TrialEndsAt))
                {
                    var t = m.TrialEndsAt!.Value;
                    var end = plan.PeriodEndFrom(t);
                    AddFee(m, plan, t, end);
                    m.Activate(t, end, t, MembershipBilling.SystemActor, "trial-converted");
                }

                var periodEnd = m.CurrentPeriodEnd!.Value;
                if (churnAt is { } c && c < periodEnd && m.Status is MembershipStatus.Active or MembershipStatus.Trialing)
                {
                    m.Cancel(Reasons[random.Next(Reasons.Length)], random.Next(4) == 0 ? "Nutze die Angebote zu selten." : null, c, $"user:{member.Id}", false);
                    if (m.Status == MembershipStatus.Cancelled && periodEnd <= now)
                    {
                        m.End(EndKind.Voluntary, m.CancellationReasonCode!, periodEnd, MembershipBilling.SystemActor);
                    }

                    break;
                }

                if (periodEnd > now || m.Status != MembershipStatus.Active)
                {
                    break;
                }

                var next = plan.PeriodEndFrom(periodEnd);
                if (failAt is { } f && f <= next && !plan.IsFree)
                {
                    AddFee(m, plan, periodEnd, next, failed: true);
                    m.RecordPaymentFailure(plan.PriceMinorUnits, plan.Currency, "card_declined", periodEnd, MembershipBilling.SystemActor);
                    if (now - periodEnd > TimeSpan.FromDays(dunning.SuspendAfterDays))
                    {
                        m.Suspend(periodEnd.AddDays(dunning.SuspendAfterDays), MembershipBilling.SystemActor);
                    }

                    break;
                }

                if (!plan.IsFree)
                {
                    AddFee(m, plan, periodEnd, next);
                }

                m.Renew(periodEnd, next);
            }

            if (i % 50 == 49)
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                db.Plans.AttachRange(plans);
            }
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await accounts.CreateMemberAsync(DemoIds.PlusKontoProgram, annaId!.Value, DemoMemberEmail, DemoMemberPassword, ct);
    }

    private void AddFee(Membership m, Plan plan, DateTimeOffset start, DateTimeOffset end, bool failed = false)
    {
        var fee = Fee.Create(Guid.CreateVersion7(start), m, plan, FeeKind.Subscription, plan.PriceMinorUnits, start, end, OfflineBillingProvider.ProviderName,
            $"{m.Id:N}:{FeeKind.Subscription}:{start.ToUnixTimeSeconds()}:{plan.Id:N}", start);
        if (failed)
        {
            fee.MarkFailed("card_declined");
        }
        else
        {
            fee.MarkPaid(start);
        }

        db.Fees.Add(fee);
    }

    private static string Ascii(string s) => s.ToLowerInvariant().Replace("ü", "ue", StringComparison.Ordinal).Replace("ö", "oe", StringComparison.Ordinal).Replace("ä", "ae", StringComparison.Ordinal);

    internal static List<Plan> CreatePlans(Guid programId, DateTimeOffset at)
    {
        string[] categories = ["travel", "leisure", "gastronomy", "security"];
        return
        [
            Plan.Create(Guid.CreateVersion7(at), programId, PlanCodes.Basis, 1, "Basis", 0, "EUR", BillingInterval.Monthly, 0, [], [], 100, [], 0, at),
            Plan.Create(Guid.CreateVersion7(at.AddMilliseconds(1)), programId, PlanCodes.Plus, 1, "Plus", 690, "EUR", BillingInterval.Monthly, 30, categories,
                [BenefitKinds.Discount, BenefitKinds.Coupon, BenefitKinds.Cashback, BenefitKinds.Service], 100, [], 1, at),
            Plan.Create(Guid.CreateVersion7(at.AddMilliseconds(2)), programId, PlanCodes.Premium, 1, "Premium", 1290, "EUR", BillingInterval.Monthly, 0, categories,
                BenefitKinds.All, 150, [new RefundCap("airport-taxi", 2, 4000, "EUR")], 2, at),
        ];
    }
}
