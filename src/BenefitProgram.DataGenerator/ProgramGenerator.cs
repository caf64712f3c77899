using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace BenefitProgram.DataGenerator;

public sealed class GeneratorOptions
{
    public int Members { get; set; } = 1000;
    public int Seed { get; set; } = 42;
    public string? ConnectionString { get; set; }
    public string ProgramSlug { get; set; } = "pluskonto";
    /// <summary>The history ends at 00:00 UTC of this day; the first night to run is the day before.</summary>
    public DateOnly? AsOf { get; set; }
    /// <summary>Members generated and copied at a time (memory stays bounded; each chunk is one ledger batch).</summary>
    public int ChunkSize { get; set; } = 10_000;
}

public sealed record TableFigure(string Table, long Rows, TimeSpan CopyTime);

public sealed record PhaseFigure(string Phase, TimeSpan Time);

public sealed record GeneratorReport(Guid ProgramId, int Members, TimeSpan Elapsed, IReadOnlyList<TableFigure> Tables, IReadOnlyList<PhaseFigure> Phases)
{
    public string Summary()
    {
        var s = new StringBuilder();
        var total = Tables.Sum(t => t.Rows);
        s.AppendLine(CultureInfo.InvariantCulture, $"generated {Members:N0} members into program {ProgramId}: {total:N0} rows in {Elapsed.TotalSeconds:F1} s ({total / Math.Max(0.001, Elapsed.TotalSeconds):N0} rows/s overall)");
        s.AppendLine("| table | rows | COPY time | rows/s (COPY) |");
        s.AppendLine("|---|---:|---:|---:|");
        foreach (var t in Tables.Where(t => t.Rows > 0))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {t.Table} | {t.Rows:N0} | {t.CopyTime.TotalSeconds:F1} s | {t.Rows / Math.Max(0.001, t.CopyTime.TotalSeconds):N0} |");
        }

        s.AppendLine();
        s.AppendLine("| phase | time |");
        s.AppendLine("|---|---:|");
        foreach (var p in Phases)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {p.Phase} | {p.Time.TotalSeconds:F1} s |");
        }

        return s.ToString();
    }
}

/// <summary>
/// Builds a realistic program on a migrated database (docs/adr/0017-data-generator.md): partners with live offers and
/// coupon pools, members signing up over three years on Basis/Plus/Premium, voluntary cancellations with reasons and
/// involuntary ones through dunning, fee history, redemptions and click-outs, about ten purchases per member using
/// benefits (with returns, cashback states and balanced ledger journals) and refund claims. Members who use benefits
/// have half the monthly cancellation hazard, so the program-effect report has something to find.
/// Deterministic: one <see cref="Random"/> per member seeded from (seed, member index), ids from <see cref="Ids"/>.
/// </summary>
public sealed class ProgramGenerator(GeneratorOptions options, TextWriter log)
{
    private const string Currency = "EUR";
    private const string SystemActor = "system:billing";
    private const string Generator = "generator";

    private static readonly string[] FirstNames = ["Anna", "Lukas", "Marie", "Jonas", "Sophie", "Leon", "Emma", "Paul", "Mia", "Felix", "Hannah", "Ben", "Lea", "Elias", "Lena", "Noah", "Laura", "Finn", "Julia", "Tim"];
    private static readonly string[] LastNames = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Braun", "Zimmermann", "Krüger", "Hartmann"];
    private static readonly string[] PostalCodes = ["80331", "80333", "80469", "81667", "81369", "85354", "85221", "82131", "86150", "93047"];
    private static readonly string[] ReasonsOfUsers = ["too-expensive", "switching-bank", "moving-away", "service-problems", "other"];
    private static readonly string[] ReasonsOfOthers = ["not-using-benefits", "not-using-benefits", "too-expensive", "missing-offers", "switching-bank", "moving-away", "other"];

    private readonly Ids ids = new(options.Seed);
    private readonly Tables tables = new();
    private Guid programId;
    private readonly List<PlanInfo> plans = [];
    private readonly List<OfferInfo> cashbackOffers = [];
    private readonly List<OfferInfo> redeemableOffers = [];
    private OfferInfo? refundOffer;
    private DateTimeOffset asOf;
    private DateOnly night;

    private sealed record PlanInfo(Guid Id, string Code, long Price, int TrialDays);

    private sealed record OfferInfo(Guid Id, Guid PartnerId, string Kind, string Category, int RateBp, int PremiumRateBp, int WindowDays,
        int CommissionBp, int ShareBp, uint Index);

    public async Task<GeneratorReport> RunAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        asOf = new DateTimeOffset(options.AsOf!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        night = options.AsOf.Value.AddDays(-1);
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { CommandTimeout = 3600 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);

        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await EnsureProgramAndPlansAsync(connection, ct);
            var firstMember = ids.Make(IdKind.Member, JoinedAt(0, MemberRandom(0)), 0, 0);
            if (await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM members.members WHERE id = @id)", ct, ("id", firstMember)))
            {
                throw new InvalidOperationException($"This database already holds the members of seed {options.Seed} (as of {options.AsOf:yyyy-MM-dd}); use another seed or a fresh database.");
            }

            BuildCatalog();
            await FlushAsync(connection, ct);
            await tx.CommitAsync(ct);
        }

        log.WriteLine($"program {options.ProgramSlug} ({programId}): {cashbackOffers.Count + redeemableOffers.Count + (refundOffer is null ? 0 : 1)} offers; generating {options.Members:N0} members up to {asOf:yyyy-MM-dd} (first night to run: {night:yyyy-MM-dd})");
        var phases = new List<PhaseFigure>();
        var filled = tables.MemberTables.Select(t => t.Name).ToList();
        var window = new LoadWindow();
        // The members, their history and the ledger in one transaction (docs/adr/0017, "Loading fast"): the filled tables'
        // keys, constraints and indexes are rebuilt after the COPYs and their triggers' checks run once, set-based.
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var lastEntryBefore = await ScalarAsync<long>(connection, "SELECT coalesce(max(id), 0) FROM rewards.journal_entries", ct);
            await window.OpenAsync(connection, filled, ct);
            phases.Add(new PhaseFigure($"drop {window.Constraints} constraints and {window.Indexes} indexes, triggers off", window.DropTime));
            log.WriteLine($"  dropped {window.Constraints} constraints and {window.Indexes} indexes of {filled.Count} tables, {watch.Elapsed.TotalSeconds:F0} s");
            var generation = TimeSpan.Zero;
            for (var start = 0; start < options.Members; start += options.ChunkSize)
            {
                var end = Math.Min(options.Members, start + options.ChunkSize);
                var generating = Stopwatch.StartNew();
                // One ledger batch per chunk (as a bulk writer tags its journals); the journals' checks run after the load.
                var batchId = ids.Make(IdKind.Batch, asOf, (uint)start, 0);
                tables.LedgerBatches.Add(batchId, asOf);
                for (var i = start; i < end; i++)
                {
                    GenerateMember(i, batchId);
                }

                generation += generating.Elapsed;
                await FlushAsync(connection, ct);
                log.WriteLine($"  {end:N0} members, {watch.Elapsed.TotalSeconds:F0} s");
            }

            phases.Add(new PhaseFigure("generate rows in C#", generation));
            phases.Add(new PhaseFigure("COPY", TimeSpan.FromTicks(tables.InOrder.Sum(t => t.Elapsed.Ticks))));
            await window.CloseAsync(connection, filled, ct);
            phases.Add(new PhaseFigure("rebuild constraints and indexes (checks every row), triggers on", window.RebuildTime));
            log.WriteLine($"  rebuilt constraints and indexes, {watch.Elapsed.TotalSeconds:F0} s");

            var checking = Stopwatch.StartNew();
            await CheckLedgerAsync(connection, lastEntryBefore, ct);
            phases.Add(new PhaseFigure("ledger checks (every journal balances, set-based)", checking.Elapsed));
            log.WriteLine($"  every journal of the load has entries and balances, {watch.Elapsed.TotalSeconds:F0} s");

            // Offer counters as the redemption path keeps them.
            await ExecuteAsync(connection, """
                UPDATE catalog.offers o SET redeemed = r.n
                FROM (SELECT offer_id, count(*)::int AS n FROM catalog.redemptions WHERE program_id = @program GROUP BY offer_id) r
                WHERE o.id = r.offer_id;
                """, ct, ("program", programId));
            var committing = Stopwatch.StartNew();
            await tx.CommitAsync(ct);
            phases.Add(new PhaseFigure("commit", committing.Elapsed));
        }

        // Fresh statistics for the planner.
        var analyzing = Stopwatch.StartNew();
        await ExecuteAsync(connection, "ANALYZE members.members, members.memberships, members.membership_transitions, members.fees, catalog.redemptions, catalog.coupon_codes, catalog.offers, rewards.purchases, rewards.journals, rewards.journal_entries, rewards.member_fees", ct);
        phases.Add(new PhaseFigure("ANALYZE", analyzing.Elapsed));

        return new GeneratorReport(programId, options.Members, watch.Elapsed,
            tables.InOrder.Select(t => new TableFigure(t.Name, t.RowsWritten, t.Elapsed)).ToList(), phases);
    }

    /// <summary>
    /// The checks of the ledger triggers that were off during the load (docs/adr/0013), once and set-based over every
    /// journal and entry written by this transaction: each entry belongs to a journal of this transaction and of its
    /// program (journal_entries_same_transaction), each journal names a batch of this transaction
    /// (journals_batch_same_transaction), and each journal has entries that sum to zero per currency (journals_balanced,
    /// ledger_batches_balanced). Throws on the first kind of violation found.
    /// </summary>
    internal static async Task CheckLedgerAsync(NpgsqlConnection connection, long lastEntryBefore, CancellationToken ct)
    {
        await ExecuteAsync(connection, "SET LOCAL work_mem = '512MB'", ct);
        await using var cmd = new NpgsqlCommand("""
            WITH j AS (
              SELECT j.id, j.program_id, (j.ledger_batch_id IS NULL OR b.created_xid = pg_current_xact_id()) AS batch_ok
              FROM rewards.journals j LEFT JOIN rewards.ledger_batches b ON b.id = j.ledger_batch_id
              WHERE j.created_xid = pg_current_xact_id()),
            s AS (
              SELECT journal_id, program_id, currency, sum(amount) AS total
              FROM rewards.journal_entries WHERE id > @last GROUP BY journal_id, program_id, currency)
            SELECT count(*) FILTER (WHERE j.id IS NULL),
                   count(*) FILTER (WHERE j.program_id <> s.program_id),
                   count(*) FILTER (WHERE s.total <> 0),
                   count(*) FILTER (WHERE s.journal_id IS NULL),
                   count(*) FILTER (WHERE NOT j.batch_ok),
                   (array_agg(coalesce(j.id, s.journal_id)) FILTER (WHERE j.id IS NULL OR j.program_id <> s.program_id OR s.total <> 0
                      OR s.journal_id IS NULL OR NOT j.batch_ok))[1]
            FROM j FULL JOIN s ON s.journal_id = j.id
            """, connection);
        cmd.Parameters.AddWithValue("last", lastEntryBefore);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        string[] problems =
        [
            "entries of a journal not written in this transaction",
            "entries of another program than their journal's",
            "journal/currency totals that are not zero",
            "journals without entries",
            "journals naming a ledger batch of another transaction",
        ];
        var found = problems.Select((p, i) => (Problem: p, Count: reader.GetInt64(i))).Where(x => x.Count > 0).ToList();
        if (found.Count > 0)
        {
            throw new InvalidOperationException(
                $"rewards ledger check after the load failed (e.g. journal {reader.GetValue(5)}): {string.Join("; ", found.Select(f => $"{f.Count} {f.Problem}"))}");
        }
    }

    private async Task FlushAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        foreach (var table in tables.InOrder)
        {
            await table.FlushAsync(connection, ct);
        }
    }

    // ------------------------------------------------------------------ program, plans, catalog

    private async Task EnsureProgramAndPlansAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var launched = asOf.AddYears(-3);
        var existing = await ScalarAsync<Guid?>(connection, "SELECT id FROM platform.programs WHERE slug = @slug", ct, ("slug", options.ProgramSlug));
        if (existing is { } id)
        {
            programId = id;
        }
        else
        {
            programId = ids.Make(IdKind.Program, launched, 0, 0);
            await ExecuteAsync(connection, """
                INSERT INTO platform.programs (id, slug, name, logo_url, primary_color, accent_color, currency, default_language, time_zone, created_at, launched_at)
                VALUES (@id, @slug, @name, NULL, '#00529B', '#F5A800', 'EUR', 'de', 'Europe/Berlin', @created, @launched)
                """, ct, ("id", programId), ("slug", options.ProgramSlug), ("name", $"Generated program {options.ProgramSlug}"),
                ("created", launched.AddDays(-30)), ("launched", launched));
        }

        var planCreated = launched.AddDays(-30);
        (string Code, string Name, long Price, int Trial, string[] Kinds, int Multiplier, string Caps, int Sort)[] reference =
        [
            ("basis", "Basis", 0, 0, [], 100, "[]", 0),
            ("plus", "Plus", 690, 30, ["discount", "coupon", "cashback", "service"], 100, "[]", 1),
            ("premium", "Premium", 1290, 0, ["discount", "coupon", "cashback", "refund", "service"], 150,
                """[{"kind": "airport-taxi", "currency": "EUR", "claimsPerYear": 2, "maxMinorUnitsPerClaim": 4000}]""", 2),
        ];
        for (var i = 0; i < reference.Length; i++)
        {
            var p = reference[i];
            await ExecuteAsync(connection, """
                INSERT INTO members.plans (id, program_id, code, version, name, price_minor_units, currency, "interval", trial_days, offer_categories,
                  benefit_kinds, cashback_multiplier_percent, refund_caps, sort_order, is_current, created_at)
                SELECT @id, @program, @code, 1, @name, @price, 'EUR', 'Monthly', @trial, @categories, @kinds, @multiplier, @caps::jsonb, @sort, true, @created
                WHERE NOT EXISTS (SELECT 1 FROM members.plans WHERE program_id = @program AND code = @code AND is_current)
                """, ct, ("id", ids.Make(IdKind.Plan, planCreated, (uint)i, 0)), ("program", programId), ("code", p.Code), ("name", p.Name),
                ("price", p.Price), ("trial", p.Trial), ("categories", p.Price == 0 ? Array.Empty<string>() : ["travel", "leisure", "gastronomy", "security", "culture", "shopping", "wellness", "mobility"]),
                ("kinds", p.Kinds), ("multiplier", p.Multiplier), ("caps", p.Caps), ("sort", p.Sort), ("created", planCreated));
        }

        await using var read = new NpgsqlCommand(
            "SELECT id, code, price_minor_units, trial_days FROM members.plans WHERE program_id = @program AND is_current AND code = ANY(@codes) ORDER BY sort_order", connection);
        read.Parameters.AddWithValue("program", programId);
        read.Parameters.AddWithValue("codes", new[] { "basis", "plus", "premium" });
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            plans.Add(new PlanInfo(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3)));
        }

        if (plans.Count != 3)
        {
            throw new InvalidOperationException("The program needs current plans basis, plus and premium.");
        }
    }

    private void BuildCatalog()
    {
        (string Category, string Name, string[] Kinds)[] shapes =
        [
            ("travel", "Reisen", ["Cashback"]),
            ("leisure", "Tickets", ["Cashback", "Coupon"]),
            ("gastronomy", "Gasthaus", ["Discount"]),
            ("culture", "Kino", ["Coupon"]),
            ("shopping", "Shop", ["Cashback"]),
            ("wellness", "Therme", ["Discount"]),
        ];
        string[] models = ["DistributionCooperation", "CrossSelling", "Couponing", "CoBranding"];
        var created = asOf.AddYears(-3).AddDays(-20);
        var partnerCount = Math.Max(shapes.Length, options.Members / 2000);
        uint offerIndex = 0;
        var random = new Random(options.Seed);
        for (var p = 0; p <= partnerCount; p++)
        {
            var isTaxi = p == partnerCount;
            var shape = isTaxi ? ("mobility", "Flughafen-Taxi", new[] { "Refund" }) : shapes[p % shapes.Length];
            var partnerId = ids.Make(IdKind.Partner, created, (uint)p, 0);
            var name = $"{shape.Item2} {p + 1}";
            var commission = isTaxi ? 0 : 300 + random.Next(8) * 100;
            var funding = random.Next(3);
            var share = isTaxi ? 0 : funding switch { 0 => 10000, 1 => 5000, _ => 0 };
            tables.Partners.Add(partnerId, name, null, new[] { shape.Item1 }, Array.Empty<string>(), models[p % models.Length], commission, 0L, Currency,
                funding switch { 0 => "Partner", 1 => "Shared", _ => "Program" }, share, "Active", created);
            tables.PartnerPrograms.Add(partnerId, programId, created);
            foreach (var kind in shape.Item3)
            {
                var offerId = ids.Make(IdKind.Offer, created, offerIndex, 0);
                var rate = kind == "Cashback" ? (shape.Item1 == "travel" ? 500 : 200 + random.Next(4) * 100) : 0;
                var window = shape.Item1 == "travel" ? 30 : 14;
                var info = new OfferInfo(offerId, partnerId, kind, shape.Item1, rate, rate + 200, window, commission, share, offerIndex);
                AddOffer(info, name, created, kind == "Refund" ? new[] { "premium" } : ["plus", "premium"]);
                (kind switch { "Cashback" => cashbackOffers, "Refund" => null, _ => redeemableOffers })?.Add(info);
                if (kind == "Refund")
                {
                    refundOffer = info;
                }

                if (kind == "Coupon")
                {
                    // Free stock of the pool (codes handed out are written with their redemptions).
                    for (uint k = 0; k < 200; k++)
                    {
                        tables.CouponCodes.Add(offerId, ids.Code('F', offerIndex, k), null, null, null);
                    }
                }

                offerIndex++;
            }
        }
    }

    private void AddOffer(OfferInfo o, string partnerName, DateTimeOffset created, string[] eligiblePlans)
    {
        var title = o.Kind switch
        {
            "Cashback" => $"{o.RateBp / 100} % Cashback bei {partnerName}",
            "Coupon" => $"2 für 1 bei {partnerName}",
            "Discount" => $"10 % Rabatt bei {partnerName}",
            _ => $"Erstattung Flughafentaxi ({partnerName})",
        };
        var live = created.AddDays(2);
        tables.Offers.Add(o.Id, o.PartnerId, programId, o.Kind, "Live", 1, partnerName, o.Category, title, title,
            $"{title}: ein Vorteil für Mitglieder von PlusKonto.", $"{title}: a benefit for members.", null, null, Array.Empty<string>(),
            created, asOf.AddYears(1), eligiblePlans, Array.Empty<string>(), null, null, null, 0, null,
            o.Kind == "Cashback" ? $"https://partner{o.Index}.example/landing?click={{clickId}}" : null, Currency,
            o.Kind == "Discount" ? 1000 : null, null, null,
            o.Kind == "Cashback" ? o.RateBp : null, null, null, null, null,
            o.Kind == "Cashback" ? o.WindowDays : null, o.Kind == "Cashback" ? $$"""{"premium": {{o.PremiumRateBp}}}""" : null,
            o.Kind == "Refund" ? "airport-taxi" : null, o.Kind == "Refund" ? 4000L : null, o.Kind == "Refund" ? 2 : null, o.Kind == "Refund" ? true : null,
            null, created, live, live, null, null);
        tables.OfferHistory.Add(o.Id, created, "created", null, "Draft", "partner:" + Generator, null);
        tables.OfferHistory.Add(o.Id, created.AddHours(1), "submitted", "Draft", "Submitted", "partner:" + Generator, null);
        tables.OfferHistory.Add(o.Id, live.AddHours(-1), "approved", "Submitted", "Approved", "operator:" + Generator, null);
        tables.OfferHistory.Add(o.Id, live, "went live", "Approved", "Live", "system", null);
    }

    // ------------------------------------------------------------------ members

    private Random MemberRandom(int index) =>
        new((int)((((ulong)(uint)options.Seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)index * 0xBF58476D1CE4E5B9UL)) >> 33));

    /// <summary>Sign-ups over three years, more of them recently (a growing program); between 08:00 and 20:00.</summary>
    private DateTimeOffset JoinedAt(int index, Random r)
    {
        var start = asOf.AddYears(-3);
        var days = (int)((asOf - start).TotalDays * Math.Sqrt(r.NextDouble()));
        var at = start.AddDays(Math.Min(days, (asOf - start).TotalDays - 2)).AddHours(8 + r.Next(12)).AddMinutes(r.Next(60)).AddSeconds(index % 60);
        return at;
    }

    private sealed class Life
    {
        public string Status = "PendingPaymentMethod";
        public DateTimeOffset StatusChangedAt;
        public DateTimeOffset? TrialEndsAt;
        public DateTimeOffset PeriodStart;
        public DateTimeOffset PeriodEnd;
        public string? ReasonCode;
        public string? ReasonText;
        public DateTimeOffset? CancelledAt;
        public DateTimeOffset? PastDueSince;
        public int FailedAttempts;
        public DateTimeOffset? EndedAt;
        public string? EndKind;
        public uint Sequence;
    }

    private void GenerateMember(int index, Guid batchId)
    {
        var r = MemberRandom(index);
        var owner = (uint)index;
        var joined = JoinedAt(index, r);
        var plan = plans[r.Next(100) switch { < 25 => 0, < 80 => 1, _ => 2 }];
        var isFree = plan.Price == 0;
        var usesBenefits = !isFree && r.Next(100) < (plan.Code == "premium" ? 75 : 55);
        var memberId = ids.Make(IdKind.Member, joined, owner, 0);
        var membershipId = ids.Make(IdKind.Membership, joined, owner, 0);
        var life = new Life { StatusChangedAt = joined, Sequence = 1 };
        var channel = r.Next(100) switch { < 70 => "SelfService", < 95 => "Import", _ => "Operator" };
        var first = FirstNames[r.Next(FirstNames.Length)];
        var last = LastNames[r.Next(LastNames.Length)];
        var tag = options.Seed.ToString(CultureInfo.InvariantCulture);
        tables.Members.Add(memberId, programId, $"G{options.Seed % 1000:D3}{index:D8}", $"K{options.Seed % 1000:D3}{index:D8}", first, last,
            $"member{index}.s{tag}@generated.example", $"Hauptstraße {1 + r.Next(120)}", PostalCodes[r.Next(PostalCodes.Length)], "München", "DE",
            r.Next(10) == 0 ? "en" : "de", r.Next(2) == 0, r.Next(3) == 0, null, channel, joined, null, null);

        void Move(string to, DateTimeOffset at, string actor, string reason, string? text = null)
        {
            tables.Transitions.Add(programId, membershipId, memberId, life.Status == "new" ? null : life.Status, to, plan.Id, plan.Code, at, actor, reason, text);
            life.Status = to;
            life.StatusChangedAt = at;
        }

        void Fee(DateTimeOffset start, DateTimeOffset end, bool paid)
        {
            var feeId = ids.Make(IdKind.Fee, start, owner, life.Sequence++);
            tables.Fees.Add(feeId, programId, memberId, membershipId, plan.Id, "Subscription", plan.Price, Currency, start, end, paid ? "Paid" : "Failed",
                "Offline", $"{membershipId:N}:Subscription:{start.ToUnixTimeSeconds()}:{plan.Id:N}", 1, paid ? null : "card_declined", start,
                paid ? start : null, 0L);
            if (paid)
            {
                tables.MemberFees.Add(feeId, programId, memberId, plan.Price, Currency, start);
            }
        }

        life.Status = "new";
        var actorOfSignUp = channel switch { "Import" => "import", "Operator" => "operator:" + Generator, _ => "self-service" };
        Move("PendingPaymentMethod", joined, actorOfSignUp, "sign-up", channel);
        life.PeriodStart = joined;
        if (isFree)
        {
            Move("Active", joined, SystemActor, "free-plan");
            life.PeriodEnd = joined.AddMonths(1);
        }
        else if (plan.TrialDays > 0)
        {
            Move("Trialing", joined, SystemActor, "trial-started");
            life.TrialEndsAt = joined.AddDays(plan.TrialDays);
            life.PeriodEnd = life.TrialEndsAt.Value;
        }
        else
        {
            Fee(joined, joined.AddMonths(1), paid: true);
            Move("Active", joined, SystemActor, "first-payment");
            life.PeriodEnd = joined.AddMonths(1);
        }

        // Monthly hazards: benefit users cancel half as often (the effect the program-effect report should find).
        var monthlyHazard = isFree ? 0.012 : usesBenefits ? 0.012 : 0.024;
        var trialHazard = usesBenefits ? 0.06 : 0.15;
        const double involuntaryHazard = 0.004;
        while (true)
        {
            var hazard = life.Status == "Trialing" ? trialHazard : monthlyHazard;
            if (r.NextDouble() < hazard)
            {
                var c = life.PeriodStart + (life.PeriodEnd - life.PeriodStart) * r.NextDouble();
                if (c < asOf)
                {
                    var reasons = usesBenefits ? ReasonsOfUsers : ReasonsOfOthers;
                    life.ReasonCode = reasons[r.Next(reasons.Length)];
                    life.ReasonText = r.Next(4) == 0 ? "Gekündigt über das Mitgliederportal." : null;
                    life.CancelledAt = c;
                    var actor = $"user:{memberId}";
                    if (isFree)
                    {
                        Move("Ended", c, actor, life.ReasonCode, life.ReasonText);
                        life.EndedAt = c;
                        life.EndKind = "Voluntary";
                        break;
                    }

                    Move("Cancelled", c, actor, life.ReasonCode, life.ReasonText);
                    if (life.PeriodEnd <= asOf)
                    {
                        Move("Ended", life.PeriodEnd, SystemActor, life.ReasonCode);
                        life.EndedAt = life.PeriodEnd;
                        life.EndKind = "Voluntary";
                    }

                    break;
                }
            }

            if (life.PeriodEnd > asOf)
            {
                break;
            }

            var next = life.PeriodEnd.AddMonths(1);
            if (life.Status == "Trialing")
            {
                Fee(life.PeriodEnd, next, paid: true);
                Move("Active", life.PeriodEnd, SystemActor, "trial-converted");
                (life.PeriodStart, life.PeriodEnd) = (life.PeriodEnd, next);
                continue;
            }

            if (!isFree && r.NextDouble() < involuntaryHazard)
            {
                var failedAt = life.PeriodEnd;
                Fee(failedAt, next, paid: false);
                Move("PastDue", failedAt, SystemActor, "payment-failed", "card_declined");
                life.PastDueSince = failedAt;
                life.FailedAttempts = 1;
                if (failedAt.AddDays(14) <= asOf)
                {
                    Move("Suspended", failedAt.AddDays(14), SystemActor, "dunning-exhausted");
                    if (failedAt.AddDays(44) <= asOf)
                    {
                        Move("Ended", failedAt.AddDays(44), SystemActor, "dunning-exhausted");
                        life.EndedAt = failedAt.AddDays(44);
                        life.EndKind = "Involuntary";
                    }
                }

                break;
            }

            if (!isFree)
            {
                Fee(life.PeriodEnd, next, paid: true);
            }

            (life.PeriodStart, life.PeriodEnd) = (life.PeriodEnd, next);
        }

        tables.Memberships.Add(membershipId, programId, memberId, plan.Id, life.Status, life.StatusChangedAt, joined, life.TrialEndsAt,
            life.PeriodStart, life.PeriodEnd, life.ReasonCode, life.ReasonText, life.CancelledAt, null, life.PastDueSince, life.FailedAttempts,
            null, life.EndedAt, life.EndKind, "Offline", null, 0L, false);

        if (!usesBenefits)
        {
            return;
        }

        // Benefits are used while the membership is in good standing.
        var until = life.EndedAt ?? (life.PastDueSince is { } since ? since.AddDays(7) : asOf);
        if (until > asOf)
        {
            until = asOf;
        }

        // Redemptions: the first within 60 days of joining (program effect: "used a benefit in the first 90 days").
        var t = joined.AddDays(1 + r.NextDouble() * 59);
        while (t < until)
        {
            var offer = redeemableOffers[r.Next(redeemableOffers.Count)];
            AddRedemption(offer, memberId, owner, life, t, r);
            t = t.AddDays(Exponential(r, 45));
        }

        // Purchases at cashback partners (about 10 per member of the program on average), half of them after a click-out.
        t = joined.AddDays(Exponential(r, 13));
        while (t < until)
        {
            AddPurchase(cashbackOffers[r.Next(cashbackOffers.Count)], memberId, owner, life, plan, t, r, batchId);
            t = t.AddDays(Exponential(r, 13));
        }

        // Refund claims (Premium): airport taxi, about one every two years.
        if (plan.Code == "premium" && refundOffer is { } refund)
        {
            t = joined.AddDays(Exponential(r, 600));
            while (t < until)
            {
                AddClaim(refund, memberId, owner, life, t, r, batchId);
                t = t.AddDays(Exponential(r, 600));
            }
        }
    }

    private static double Exponential(Random r, double mean) => -mean * Math.Log(1 - r.NextDouble());

    private Guid AddRedemption(OfferInfo offer, Guid memberId, uint owner, Life life, DateTimeOffset at, Random r)
    {
        var seq = life.Sequence++;
        var id = ids.Make(IdKind.Redemption, at, owner, seq);
        switch (offer.Kind)
        {
            case "Coupon":
                var code = ids.Code('C', owner, seq);
                tables.Redemptions.Add(id, programId, offer.Id, offer.PartnerId, memberId, "Coupon", at, code, null, null, null, null, null, null, null);
                tables.CouponCodes.Add(offer.Id, code, memberId, at, id);
                break;
            case "Discount":
                var verified = r.Next(10) < 9;
                tables.Redemptions.Add(id, programId, offer.Id, offer.PartnerId, memberId, "DiscountPass", at, null, null, ids.Code('P', owner, seq),
                    at.AddMinutes(15), verified ? at.AddMinutes(3) : null, verified ? "partner:" + Generator : null,
                    verified ? 1500L + r.Next(6500) : null, verified ? Currency : null);
                break;
            default:
                tables.Redemptions.Add(id, programId, offer.Id, offer.PartnerId, memberId, "ClickOut", at, null, ClickId(owner, seq), null, null, null,
                    null, null, null);
                break;
        }

        return id;
    }

    private string ClickId(uint owner, uint seq) => "c" + ids.Code('k', owner, seq).ToLowerInvariant();

    private void AddPurchase(OfferInfo offer, Guid memberId, uint owner, Life life, PlanInfo plan, DateTimeOffset at, Random r, Guid batchId)
    {
        string? clickId = null;
        if (r.Next(2) == 0)
        {
            var clickAt = at.AddHours(-r.NextDouble() * 48);
            var clickSeq = life.Sequence++;
            var clickRedemption = ids.Make(IdKind.Redemption, clickAt, owner, clickSeq);
            clickId = ClickId(owner, clickSeq);
            tables.Redemptions.Add(clickRedemption, programId, offer.Id, offer.PartnerId, memberId, "ClickOut", clickAt, null, clickId, null, null,
                null, null, null, null);
        }

        var createdAt = at.AddHours(r.NextDouble() * 36);
        if (createdAt >= asOf)
        {
            return; // not reported by the partner yet
        }

        var seq = life.Sequence++;
        var purchaseId = ids.Make(IdKind.Purchase, at, owner, seq);
        var travel = offer.Category == "travel";
        var amount = travel ? 30_000L + r.Next(370_000) : 1_500L + r.Next(23_500);
        var rate = plan.Code == "premium" ? offer.PremiumRateBp : offer.RateBp;
        var cashback = amount * rate / 10_000;
        var share = cashback * offer.ShareBp / 10_000;
        var commission = amount * offer.CommissionBp / 10_000;
        DateOnly purchasedOn = DateOnly.FromDateTime(at.UtcDateTime);
        DateOnly? serviceDate = travel ? purchasedOn.AddDays(14 + r.Next(140)) : null;
        var windowEnds = (serviceDate ?? purchasedOn).AddDays(offer.WindowDays);
        var orderReference = $"G{options.Seed}-{owner}-{seq}";

        // Returns before the window ends (the cashback is still pending then).
        long returned = 0, cashbackNow = cashback, shareNow = share, commissionNow = commission;
        if (r.Next(100) < 8)
        {
            var windowEnd = new DateTimeOffset(windowEnds.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var returnedAt = createdAt + (windowEnd - createdAt) * r.NextDouble();
            if (returnedAt < asOf && returnedAt > createdAt)
            {
                returned = Math.Max(1, amount * (10 + r.Next(81)) / 100);
                cashbackNow = cashback * (amount - returned) / amount;
                shareNow = cashbackNow * offer.ShareBp / 10_000;
                commissionNow = (amount - returned) * offer.CommissionBp / 10_000;
                long c = cashback - cashbackNow, p = share - shareNow, k = commission - commissionNow;
                var returnId = ids.Make(IdKind.Return, returnedAt, owner, life.Sequence++);
                tables.PurchaseReturns.Add(returnId, purchaseId, programId, offer.PartnerId, $"R-{orderReference}", returned, c, "Pending", returnedAt, returnedAt);
                if (c != 0 || k != 0)
                {
                    Journal(c != 0 ? "cashback-reduced" : "commission-reduced", "purchase-return", returnId, $"return:{returnId}",
                        $"Return R-{orderReference} of order {orderReference}", "partner:" + Generator, returnedAt, owner, life, batchId,
                        ("member:pending", memberId, -c), ("partner:receivable", offer.PartnerId, p + k),
                        ("program:cashback-cost", programId, c - p), ("program:commission-income", programId, -k));
                }
            }
        }

        var confirmed = windowEnds < night;
        DateTimeOffset? confirmedAt = confirmed ? new DateTimeOffset(windowEnds.AddDays(1).ToDateTime(new TimeOnly(1, 30)), TimeSpan.Zero) : null;
        tables.Purchases.Add(purchaseId, programId, offer.PartnerId, orderReference, memberId, offer.Id, clickId, amount, returned, Currency, at,
            serviceDate, windowEnds, cashback, cashbackNow, offer.ShareBp, shareNow, commission, commissionNow, confirmed ? "Confirmed" : "Pending",
            null, confirmedAt, null, createdAt, Generator);

        // As the importer writes them: one journal per purchase, then the confirmation journal once the window passed.
        if (cashback != 0 || commission != 0)
        {
            Journal("cashback-pending", "purchase", purchaseId, "purchase:" + purchaseId, $"Purchase {orderReference}", Generator, createdAt, owner, life,
                batchId, ("member:pending", memberId, cashback), ("partner:receivable", offer.PartnerId, -(share + commission)),
                ("program:cashback-cost", programId, -(cashback - share)), ("program:commission-income", programId, commission));
        }

        if (confirmed && cashbackNow > 0)
        {
            Journal("cashback-confirmed", "purchase", purchaseId, "confirm:" + purchaseId, "Return window passed", "job:rewards:confirm-cashback",
                confirmedAt!.Value, owner, life, batchId, ("member:pending", memberId, -cashbackNow), ("member:available", memberId, cashbackNow));
        }
    }

    private void AddClaim(OfferInfo offer, Guid memberId, uint owner, Life life, DateTimeOffset at, Random r, Guid batchId)
    {
        var claimId = ids.Make(IdKind.Claim, at, owner, life.Sequence++);
        var requested = 1_800L + r.Next(4_700);
        var approved = Math.Min(requested, 4_000L);
        var receipt = Convert.ToHexStringLower(SHA256.HashData(claimId.ToByteArray()));
        tables.RefundClaims.Add(claimId, programId, memberId, offer.Id, offer.PartnerId, "airport-taxi", requested, approved, Currency,
            DateOnly.FromDateTime(at.UtcDateTime).AddDays(-1 - r.Next(20)), null, approved == requested ? "Approved" : "PartlyApproved",
            approved == requested ? null : "Capped at 40.00 EUR per trip.", true, "system:rules", at.AddMinutes(1), receipt, at);
        Journal("refund-approved", "refund-claim", claimId, $"claim:{claimId}", "Refund airport-taxi", "system:rules", at.AddMinutes(1), owner, life,
            batchId, ("member:available", memberId, approved), ("program:refund-cost", programId, -approved));
    }

    private void Journal(string kind, string causedByType, Guid causedBy, string key, string memo, string createdBy, DateTimeOffset at, uint owner,
        Life life, Guid batchId, params (string Account, Guid Owner, long Amount)[] postings)
    {
        var journalId = ids.Make(IdKind.Journal, at, owner, life.Sequence++);
        tables.Journals.Add(journalId, programId, kind, causedByType, causedBy, key, memo, createdBy, at, batchId);
        foreach (var (account, ownerId, amount) in postings)
        {
            if (amount != 0)
            {
                tables.JournalEntries.Add(journalId, programId, account, ownerId, Currency, amount, at);
            }
        }
    }

    // ------------------------------------------------------------------ SQL helpers

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<TResult> ScalarAsync<TResult>(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? default! : (TResult)result;
    }
}
