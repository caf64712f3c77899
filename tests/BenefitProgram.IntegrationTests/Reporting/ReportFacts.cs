using Npgsql;
using NpgsqlTypes;

namespace BenefitProgram.IntegrationTests.Reporting;

internal sealed record PlanFact(Guid Id, string Code, long Price);

internal sealed record TransitionFact(Guid MembershipId, Guid MemberId, string? From, string To, PlanFact Plan, DateTimeOffset At, string Reason);

internal sealed record FeeFact(Guid MemberId, Guid MembershipId, Guid PlanId, long Amount, string Status, DateTimeOffset PaidAt);

internal sealed record PartnerFact(Guid Id, string Name, int CommissionBps, long FeePerRedemption, int ShareBps);

/// <summary>A purchase as Rewards stores it: amounts after returns, the cashback and the partner's share and commission it kept.</summary>
internal sealed record PurchaseFact(Guid MemberId, PartnerFact Partner, Guid OfferId, DateTimeOffset PurchasedAt, long Amount, long Returned,
    long Cashback, long PartnerShare, long Commission, string State);

/// <summary>A refund claim a member submitted (any decision); it counts as "used a benefit" from its submission on.</summary>
internal sealed record ClaimFact(Guid MemberId, PartnerFact Partner, Guid OfferId, DateTimeOffset CreatedAt);

internal sealed record RedemptionFact(Guid MemberId, PartnerFact Partner, Guid OfferId, DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt, long? Amount);

/// <summary>
/// The raw facts of a small program (plans, membership transitions, fees, partners, redemptions), generated from a seed,
/// written straight into the module tables with COPY, and the report figures computed from them here, independently of
/// the snapshot SQL (plain LINQ over the same facts, month bounds in the program's time zone).
/// </summary>
internal sealed class ReportFacts(Guid program)
{
    public static readonly string[] MemberStatuses = ["Trialing", "Active", "Cancelled", "PastDue", "Suspended", "Paused"];
    private static readonly string[] Paying = ["Active", "Cancelled", "PastDue"];
    private static readonly string[] Reasons = ["too-expensive", "not-using-benefits", "missing-offers", "switching-bank", "moving-away", "other"];
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public Guid Program { get; } = program;
    public List<PlanFact> Plans { get; } = [];
    public List<TransitionFact> Transitions { get; } = [];
    public List<FeeFact> Fees { get; } = [];
    public List<PartnerFact> Partners { get; } = [];
    public List<Guid> Offers { get; } = [];
    public Dictionary<Guid, PartnerFact> OfferPartner { get; } = [];
    public List<RedemptionFact> Redemptions { get; } = [];
    public List<PurchaseFact> Purchases { get; } = [];
    public List<ClaimFact> Claims { get; } = [];

    public PlanFact AddPlan(string code, long price)
    {
        var plan = new PlanFact(Guid.NewGuid(), code, price);
        Plans.Add(plan);
        return plan;
    }

    public PartnerFact AddPartner(string name, int bps, long fee, int share)
    {
        var partner = new PartnerFact(Guid.NewGuid(), name, bps, fee, share);
        Partners.Add(partner);
        var offer = Guid.NewGuid();
        Offers.Add(offer);
        OfferPartner[offer] = partner;
        return partner;
    }

    public void Move(Guid membership, Guid member, string? from, string to, PlanFact plan, DateTimeOffset at, string reason) =>
        Transitions.Add(new TransitionFact(membership, member, from, to, plan, at, reason));

    public void Redeem(Guid member, Guid offer, DateTimeOffset at, DateTimeOffset? verified = null, long? amount = null) =>
        Redemptions.Add(new RedemptionFact(member, OfferPartner[offer], offer, at, verified, amount));

    /// <summary>A cashback purchase of the member at a partner's offer (state as Rewards stores it: Pending, Declined, ...).</summary>
    public void Buy(Guid member, Guid offer, DateTimeOffset at, string state, long amount = 10_000)
    {
        var cashback = state is "Declined" ? 0 : amount / 20;
        Purchases.Add(new PurchaseFact(member, OfferPartner[offer], offer, at, amount, 0, cashback, 0, 0, state));
    }

    /// <summary>A refund claim the member submitted at <paramref name="at"/>.</summary>
    public void Claim(Guid member, Guid offer, DateTimeOffset at) => Claims.Add(new ClaimFact(member, OfferPartner[offer], offer, at));

    /// <summary>
    /// "Used a benefit in [joined, joined + 90 days)" as docs/reports.md defines it: a redemption, a cashback purchase that
    /// Rewards did not decline, or a submitted refund claim in that window.
    /// </summary>
    public bool UsedBenefit(Guid member, DateTimeOffset joined)
    {
        var until = joined.AddDays(90);
        return Redemptions.Any(r => r.MemberId == member && r.CreatedAt >= joined && r.CreatedAt < until)
            || Purchases.Any(p => p.MemberId == member && p.State != "Declined" && p.PurchasedAt >= joined && p.PurchasedAt < until)
            || Claims.Any(c => c.MemberId == member && c.CreatedAt >= joined && c.CreatedAt < until);
    }

    /// <summary>A program with three plans, three partners and <paramref name="members"/> member life stories between the two instants.</summary>
    public static ReportFacts Generate(Guid program, int seed, int members, DateTimeOffset from, DateTimeOffset to)
    {
        var random = new Random(seed);
        var facts = new ReportFacts(program);
        var basis = facts.AddPlan("basis", 0);
        var plus = facts.AddPlan("plus", 690);
        var premium = facts.AddPlan("premium", 1290);
        facts.AddPartner("Reisebüro Sonnenschein", 500, 0, 10_000);
        facts.AddPartner("Kino am Markt", 0, 50, 0);
        facts.AddPartner("=Taxi Schnell", 250, 25, 5_000);
        var span = (to - from).TotalSeconds;
        for (var i = 0; i < members; i++)
        {
            var membership = Guid.NewGuid();
            var member = Guid.NewGuid();
            var at = from.AddSeconds(random.NextDouble() * span * 0.95);
            var roll = random.NextDouble();
            var plan = roll < 0.25 ? basis : roll < 0.75 ? plus : premium;
            facts.Move(membership, member, null, "PendingPaymentMethod", plan, at.AddMinutes(-1), "sign-up");
            facts.Move(membership, member, "PendingPaymentMethod", "Active", plan, at, plan.Price == 0 ? "free-plan" : "first-payment");
            var status = "Active";
            var nextFee = plan.Price > 0 ? at : DateTimeOffset.MaxValue;
            var end = to;
            while (true)
            {
                var next = at.AddDays(10 + (random.NextDouble() * 110));
                if (next >= to)
                {
                    break;
                }

                // fees for the paid months up to the next event (paid, some failed retries that do not count)
                while (Paying.Contains(status) && plan.Price > 0 && nextFee < next)
                {
                    facts.Fees.Add(new FeeFact(member, membership, plan.Id, plan.Price, "Paid", nextFee));
                    if (random.NextDouble() < 0.1)
                    {
                        facts.Fees.Add(new FeeFact(member, membership, plan.Id, plan.Price, "Failed", nextFee.AddHours(-1)));
                    }

                    nextFee = nextFee.AddMonths(1);
                }

                at = next;
                var r = random.NextDouble();
                if (status == "Active" && plan.Price > 0 && r < 0.12)
                {
                    plan = plan == plus ? premium : plus;
                    facts.Move(membership, member, "Active", "Active", plan, at, plan == premium ? "plan-upgrade" : "plan-downgrade");
                }
                else if (status == "Active" && r < 0.30)
                {
                    var reason = Reasons[random.Next(Reasons.Length)];
                    if (plan.Price == 0)
                    {
                        facts.Move(membership, member, "Active", "Ended", plan, at, reason);
                    }
                    else
                    {
                        facts.Move(membership, member, "Active", "Cancelled", plan, at, reason);
                        at = at.AddDays(1 + (random.NextDouble() * 29));
                        if (at >= to)
                        {
                            status = "Cancelled";
                            break;
                        }

                        facts.Move(membership, member, "Cancelled", "Ended", plan, at, reason);
                    }

                    status = "Ended";
                    end = at;
                }
                else if (status == "Active" && plan.Price > 0 && r < 0.40)
                {
                    facts.Move(membership, member, "Active", "PastDue", plan, at, "payment-failed");
                    status = "PastDue";
                    if (random.NextDouble() < 0.5)
                    {
                        at = at.AddDays(5);
                        if (at >= to) break;
                        facts.Move(membership, member, "PastDue", "Active", plan, at, "paid");
                        status = "Active";
                    }
                    else
                    {
                        at = at.AddDays(14);
                        if (at >= to) break;
                        facts.Move(membership, member, "PastDue", "Suspended", plan, at, "dunning-exhausted");
                        status = "Suspended";
                        at = at.AddDays(30);
                        if (at >= to) break;
                        facts.Move(membership, member, "Suspended", "Ended", plan, at, "dunning-exhausted");
                        status = "Ended";
                        end = at;
                    }
                }
                else if (status == "Ended" && r < 0.35)
                {
                    facts.Move(membership, member, "Ended", "Active", plan, at, "reactivated");
                    status = "Active";
                    nextFee = plan.Price > 0 ? at : DateTimeOffset.MaxValue;
                }

                if (status is "Active" or "Cancelled" && random.NextDouble() < 0.6)
                {
                    var offer = facts.Offers[random.Next(facts.Offers.Count)];
                    var created = at.AddHours(random.NextDouble() * 72);
                    var verified = random.NextDouble() < 0.4 ? created.AddHours(random.NextDouble() * 60) : (DateTimeOffset?)null;
                    facts.Redeem(member, offer, created, verified, verified is null ? null : 1000 + random.Next(20_000));
                }
            }
        }

        // Bookings reported by the partners with a commission, after a click-out: some returned in part, some declined or
        // reversed (those count nowhere). A random stream of its own, so the life stories above stay as they were.
        var shop = new Random(seed + 1);
        string[] states = ["Pending", "Pending", "Confirmed", "Confirmed", "Paid", "Declined", "Reversed"];
        foreach (var r in facts.Redemptions.Where(r => r.Partner.CommissionBps > 0).ToList())
        {
            if (shop.NextDouble() < 0.3)
            {
                continue;
            }

            var amount = 2_000 + shop.Next(300_000);
            var returned = shop.NextDouble() < 0.2 ? shop.Next(amount / 2) : 0;
            var state = states[shop.Next(states.Length)];
            var cashback = state is "Declined" or "Reversed" ? 0 : (long)Math.Round((amount - returned) * 0.05m, MidpointRounding.AwayFromZero);
            facts.Purchases.Add(new PurchaseFact(r.MemberId, r.Partner, r.OfferId, r.CreatedAt.AddMinutes(30 + shop.Next(600)), amount, returned,
                cashback, (long)Math.Round(cashback * r.Partner.ShareBps / 10_000m, MidpointRounding.AwayFromZero),
                (long)Math.Round((amount - returned) * r.Partner.CommissionBps / 10_000m, MidpointRounding.AwayFromZero), state));
        }

        return facts;
    }

    // ------------------------------------------------------------ writing ------------------------------------------------------------

    public async Task InsertAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var plans = await connection.BeginBinaryImportAsync(
            "COPY members.plans (id, program_id, code, version, name, price_minor_units, currency, interval, trial_days, offer_categories, benefit_kinds, cashback_multiplier_percent, refund_caps, sort_order, is_current, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var p in Plans)
            {
                await plans.StartRowAsync();
                await plans.WriteAsync(p.Id, NpgsqlDbType.Uuid);
                await plans.WriteAsync(Program, NpgsqlDbType.Uuid);
                await plans.WriteAsync(p.Code, NpgsqlDbType.Varchar);
                await plans.WriteAsync(1, NpgsqlDbType.Integer);
                await plans.WriteAsync(p.Code, NpgsqlDbType.Varchar);
                await plans.WriteAsync(p.Price, NpgsqlDbType.Bigint);
                await plans.WriteAsync("EUR", NpgsqlDbType.Char);
                await plans.WriteAsync("Monthly", NpgsqlDbType.Varchar);
                await plans.WriteAsync(0, NpgsqlDbType.Integer);
                await plans.WriteAsync(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await plans.WriteAsync(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await plans.WriteAsync(100, NpgsqlDbType.Integer);
                await plans.WriteAsync("[]", NpgsqlDbType.Jsonb);
                await plans.WriteAsync(0, NpgsqlDbType.Integer);
                await plans.WriteAsync(true, NpgsqlDbType.Boolean);
                await plans.WriteAsync(DateTimeOffset.UnixEpoch, NpgsqlDbType.TimestampTz);
            }

            await plans.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY members.membership_transitions (program_id, membership_id, member_id, from_status, to_status, plan_id, plan_code, at, actor, reason_code) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var t in Transitions.OrderBy(t => t.At))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Program, NpgsqlDbType.Uuid);
                await copy.WriteAsync(t.MembershipId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(t.MemberId, NpgsqlDbType.Uuid);
                if (t.From is null)
                {
                    await copy.WriteNullAsync();
                }
                else
                {
                    await copy.WriteAsync(t.From, NpgsqlDbType.Varchar);
                }

                await copy.WriteAsync(t.To, NpgsqlDbType.Varchar);
                await copy.WriteAsync(t.Plan.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(t.Plan.Code, NpgsqlDbType.Varchar);
                await copy.WriteAsync(t.At, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync("test", NpgsqlDbType.Varchar);
                await copy.WriteAsync(t.Reason, NpgsqlDbType.Varchar);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY members.fees (id, program_id, member_id, membership_id, plan_id, kind, amount_minor_units, currency, period_start, period_end, status, provider, provider_reference, attempts, created_at, paid_at, provider_state_version) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var f in Fees)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(Program, NpgsqlDbType.Uuid);
                await copy.WriteAsync(f.MemberId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(f.MembershipId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(f.PlanId, NpgsqlDbType.Uuid);
                await copy.WriteAsync("Subscription", NpgsqlDbType.Varchar);
                await copy.WriteAsync(f.Amount, NpgsqlDbType.Bigint);
                await copy.WriteAsync("EUR", NpgsqlDbType.Char);
                await copy.WriteAsync(f.PaidAt, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(f.PaidAt.AddMonths(1), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(f.Status, NpgsqlDbType.Varchar);
                await copy.WriteAsync("Offline", NpgsqlDbType.Varchar);
                await copy.WriteAsync(Guid.NewGuid().ToString("N"), NpgsqlDbType.Varchar);
                await copy.WriteAsync(1, NpgsqlDbType.Integer);
                await copy.WriteAsync(f.PaidAt, NpgsqlDbType.TimestampTz);
                if (f.Status == "Paid")
                {
                    await copy.WriteAsync(f.PaidAt, NpgsqlDbType.TimestampTz);
                }
                else
                {
                    await copy.WriteNullAsync();
                }

                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
            }

            await copy.CompleteAsync();
        }

        foreach (var p in Partners)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO catalog.partners (id, name, categories, regions, cooperation_model, commission_rate_basis_points, fee_per_redemption_minor_units,
                    currency, cashback_funding, partner_share_basis_points, status, created_at)
                VALUES (@id, @name, '{}', '{}', 'Couponing', @bps, @fee, 'EUR', 'Shared', @share, 'Active', '2020-01-01');
                INSERT INTO catalog.partner_programs (partner_id, program_id, joined_at) VALUES (@id, @program, '2020-01-01');
                """, connection);
            command.Parameters.AddWithValue("id", p.Id);
            command.Parameters.AddWithValue("name", p.Name);
            command.Parameters.AddWithValue("bps", p.CommissionBps);
            command.Parameters.AddWithValue("fee", p.FeePerRedemption);
            command.Parameters.AddWithValue("share", p.ShareBps);
            command.Parameters.AddWithValue("program", Program);
            await command.ExecuteNonQueryAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY catalog.redemptions (id, program_id, offer_id, partner_id, member_id, kind, created_at, verified_at, amount_minor_units, currency) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in Redemptions)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(Program, NpgsqlDbType.Uuid);
                await copy.WriteAsync(r.OfferId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(r.Partner.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(r.MemberId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(r.VerifiedAt is null ? "Coupon" : "DiscountPass", NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.CreatedAt, NpgsqlDbType.TimestampTz);
                if (r.VerifiedAt is { } v)
                {
                    await copy.WriteAsync(v, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(r.Amount!.Value, NpgsqlDbType.Bigint);
                    await copy.WriteAsync("EUR", NpgsqlDbType.Varchar);
                }
                else
                {
                    await copy.WriteNullAsync();
                    await copy.WriteNullAsync();
                    await copy.WriteNullAsync();
                }
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY rewards.purchases (id, program_id, partner_id, order_reference, member_id, offer_id, amount_minor, returned_minor, currency,
                purchased_at, window_ends_on, cashback_original_minor, cashback_minor, partner_share_basis_points, partner_share_minor,
                commission_original_minor, commission_minor, state, created_at, created_by) FROM STDIN (FORMAT BINARY)
            """))
        {
            var number = 0;
            foreach (var p in Purchases)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(Program, NpgsqlDbType.Uuid);
                await copy.WriteAsync(p.Partner.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync($"ORDER-{++number}", NpgsqlDbType.Varchar);
                await copy.WriteAsync(p.MemberId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(p.OfferId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(p.Amount, NpgsqlDbType.Bigint);
                await copy.WriteAsync(p.Returned, NpgsqlDbType.Bigint);
                await copy.WriteAsync("EUR", NpgsqlDbType.Char);
                await copy.WriteAsync(p.PurchasedAt, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(DateOnly.FromDateTime(p.PurchasedAt.UtcDateTime).AddDays(30), NpgsqlDbType.Date);
                await copy.WriteAsync(p.Cashback, NpgsqlDbType.Bigint);
                await copy.WriteAsync(p.Cashback, NpgsqlDbType.Bigint);
                await copy.WriteAsync(p.Partner.ShareBps, NpgsqlDbType.Integer);
                await copy.WriteAsync(p.PartnerShare, NpgsqlDbType.Bigint);
                await copy.WriteAsync(p.Commission, NpgsqlDbType.Bigint);
                await copy.WriteAsync(p.Commission, NpgsqlDbType.Bigint);
                await copy.WriteAsync(p.State, NpgsqlDbType.Varchar);
                await copy.WriteAsync(p.PurchasedAt, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync("report-facts", NpgsqlDbType.Varchar);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY rewards.refund_claims (id, program_id, member_id, offer_id, partner_id, refund_kind, requested_minor, currency, trip_date,
                status, decided_automatically, receipt_sha256, created_at) FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var c in Claims)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(Program, NpgsqlDbType.Uuid);
                await copy.WriteAsync(c.MemberId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(c.OfferId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(c.Partner.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync("airport-taxi", NpgsqlDbType.Varchar);
                await copy.WriteAsync(4_500L, NpgsqlDbType.Bigint);
                await copy.WriteAsync("EUR", NpgsqlDbType.Char);
                await copy.WriteAsync(DateOnly.FromDateTime(c.CreatedAt.UtcDateTime), NpgsqlDbType.Date);
                await copy.WriteAsync("InReview", NpgsqlDbType.Varchar);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync(Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant(), NpgsqlDbType.Varchar);
                await copy.WriteAsync(c.CreatedAt, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync();
        }
    }

    // ------------------------------------------------------------ the figures, computed here ------------------------------------------------------------

    public static DateTimeOffset Midnight(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Berlin.GetUtcOffset(local));
    }

    private IEnumerable<IGrouping<Guid, TransitionFact>> ByMembership => Transitions.GroupBy(t => t.MembershipId);

    private static TransitionFact? StateAt(IEnumerable<TransitionFact> history, DateTimeOffset instant) =>
        history.Where(t => t.At < instant).OrderBy(t => t.At).LastOrDefault();

    private static long Mrr(TransitionFact? state) => state is not null && Paying.Contains(state.To) ? state.Plan.Price : 0;

    private static bool IsMember(TransitionFact? state) => state is not null && MemberStatuses.Contains(state.To);

    private static DateTimeOffset? FirstStart(IEnumerable<TransitionFact> history, DateTimeOffset before) =>
        history.Where(t => MemberStatuses.Contains(t.To) && t.At < before).Select(t => (DateTimeOffset?)t.At).Min();

    private static bool IsChurn(TransitionFact t) => t.To == "Ended" && t.From is not null && MemberStatuses.Contains(t.From);

    public sealed record Churn(long Active, long Churned, long Voluntary, long Involuntary, long NewActive, long NewChurned, long UsedActive, long UsedChurned, long NotUsedActive, long NotUsedChurned);

    public Churn MonthlyChurn(DateOnly month)
    {
        var m0 = Midnight(month);
        var m1 = Midnight(month.AddMonths(1));
        long a = 0, c = 0, v = 0, i = 0, na = 0, nc = 0, ua = 0, uc = 0, xa = 0, xc = 0;
        foreach (var history in ByMembership)
        {
            if (!IsMember(StateAt(history, m0)))
            {
                continue;
            }

            var first = FirstStart(history, m1)!.Value;
            var churn = history.Where(t => IsChurn(t) && t.At >= m0 && t.At < m1).OrderBy(t => t.At).FirstOrDefault();
            var churned = churn is not null ? 1 : 0;
            a++;
            c += churned;
            if (churn is not null)
            {
                if (churn.Reason is "dunning-exhausted" or "payment-failed") i++;
                else v++;
            }

            if (first > m0.UtcDateTime.AddMonths(-12))
            {
                na++;
                nc += churned;
            }

            if (first <= m0.AddDays(-90))
            {
                var member = history.First().MemberId;
                var used = UsedBenefit(member, first);
                if (used) { ua++; uc += churned; }
                else { xa++; xc += churned; }
            }
        }

        return new Churn(a, c, v, i, na, nc, ua, uc, xa, xc);
    }

    public Dictionary<DateOnly, (long Joined, long Active)> Cohorts(DateOnly month)
    {
        var m1 = Midnight(month.AddMonths(1));
        return ByMembership
            .Select(h => (First: FirstStart(h, m1), Active: IsMember(StateAt(h, m1))))
            .Where(x => x.First is not null)
            .GroupBy(x =>
            {
                var local = TimeZoneInfo.ConvertTime(x.First!.Value, Berlin);
                return new DateOnly(local.Year, local.Month, 1);
            })
            .ToDictionary(g => g.Key, g => ((long)g.Count(), (long)g.Count(x => x.Active)));
    }

    public Dictionary<string, (long Members, long Mrr)> MrrMovements(DateOnly month)
    {
        var m0 = Midnight(month);
        var m1 = Midnight(month.AddMonths(1));
        var result = new[] { "start", "new", "reactivation", "expansion", "contraction", "churn", "end" }.ToDictionary(k => k, _ => (0L, 0L));
        void Add(string k, long mrr) => result[k] = (result[k].Item1 + 1, result[k].Item2 + mrr);
        foreach (var history in ByMembership)
        {
            var s = Mrr(StateAt(history, m0));
            var e = Mrr(StateAt(history, m1));
            if (s > 0) Add("start", s);
            if (e > 0) Add("end", e);
            var paidBefore = history.Any(t => t.At < m0 && Paying.Contains(t.To) && t.Plan.Price > 0);
            if (s == 0 && e > 0) Add(paidBefore ? "reactivation" : "new", e);
            else if (s > 0 && e > s) Add("expansion", e - s);
            else if (s > 0 && e > 0 && e < s) Add("contraction", e - s);
            else if (s > 0 && e == 0) Add("churn", -s);
        }

        return result;
    }

    public sealed record Statement(long Redemptions, long Fees, long PassRevenue, long Purchases, long PurchaseRevenue, long Commission,
        long Cashback, long PartnerFunded, long NetOwed);

    public Statement PartnerStatement(DateOnly month, PartnerFact partner)
    {
        var m0 = Midnight(month);
        var m1 = Midnight(month.AddMonths(1));
        var redemptions = Redemptions.Count(r => r.Partner == partner && r.CreatedAt >= m0 && r.CreatedAt < m1);
        var revenue = Redemptions.Where(r => r.Partner == partner && r.VerifiedAt >= m0 && r.VerifiedAt < m1).Sum(r => r.Amount!.Value);
        var purchases = Purchases.Where(p => p.Partner == partner && p.PurchasedAt >= m0 && p.PurchasedAt < m1 && p.State is not ("Declined" or "Reversed")).ToList();
        var purchaseRevenue = purchases.Sum(p => p.Amount - p.Returned);
        var cashback = purchases.Sum(p => p.Cashback);
        var commission = (long)Math.Round((revenue + purchaseRevenue) * partner.CommissionBps / 10_000m, MidpointRounding.AwayFromZero);
        var funded = (long)Math.Round(cashback * partner.ShareBps / 10_000m, MidpointRounding.AwayFromZero);
        var fees = redemptions * partner.FeePerRedemption;
        return new Statement(redemptions, fees, revenue, purchases.Count, purchaseRevenue, commission, cashback, funded, fees + commission + funded);
    }

    public sealed record Day(long Members, long Mrr, long New, long Fees, long Redemptions, long ChurnedVoluntary, long ChurnedInvoluntary);

    public Day Daily(DateOnly day)
    {
        var t0 = Midnight(day);
        var t1 = Midnight(day.AddDays(1));
        var states = ByMembership.Select(h => (State: StateAt(h, t1), First: FirstStart(h, t1))).ToList();
        var churns = Transitions.Where(t => IsChurn(t) && t.At >= t0 && t.At < t1).ToList();
        return new Day(
            states.Count(s => IsMember(s.State)),
            states.Sum(s => IsMember(s.State) ? Mrr(s.State) : 0),
            states.Count(s => s.First >= t0 && s.First < t1),
            Fees.Where(f => f.Status == "Paid" && f.PaidAt >= t0 && f.PaidAt < t1).Sum(f => f.Amount),
            Redemptions.Count(r => r.CreatedAt >= t0 && r.CreatedAt < t1),
            churns.Count(t => t.Reason is not ("dunning-exhausted" or "payment-failed")),
            churns.Count(t => t.Reason is "dunning-exhausted" or "payment-failed"));
    }
}
