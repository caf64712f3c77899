using System.Globalization;
using BenefitProgram.Reporting.Statistics;
using Npgsql;

namespace BenefitProgram.Reporting.Reports;

/// <summary>Reads the snapshot tables (never the raw fact tables of other modules) and shapes the reports.</summary>
internal sealed class ReportQueries(NpgsqlDataSource data)
{
    public const string SelectionBiasNote =
        "Members who use a benefit are not a random sample: people who were going to stay anyway are more likely to redeem, so the gap " +
        "between users and non-users overstates what the benefits cause. Groups are formed at day 90 (landmark: only members still in at " +
        "day 90, grouped by a redemption in days 0-89) so that early leavers do not count against non-users (immortal-time bias), but " +
        "self-selection remains. Non-members and the period before launch differ in more than membership (who chose to join, the market). " +
        "Read the differences as associations, not effects; intervals are 95 % (Wilson for rates, Newcombe for differences, Greenwood " +
        "log-log for survival) and treat member-months as independent.";

    public static string MonthText(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var command = data.CreateCommand(sql);
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static DateOnly D(NpgsqlDataReader r, int i) => r.GetFieldValue<DateOnly>(i);
    private static int? NInt(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    public Task<List<DailyKpiRow>> KpisAsync(Guid program, DateOnly from, DateOnly to, CancellationToken ct) => QueryAsync("""
        SELECT k.day, k.members, k.paying_members, k.trialing_members, k.new_members, k.reactivated_members, k.cancellations_requested,
               k.churned_voluntary, k.churned_involuntary, k.members_tenure_lt_12m, k.churned_tenure_lt_12m, k.mrr_minor_units,
               k.fee_revenue_minor_units, k.redemptions, k.currency, bl.total_customers
        FROM reporting.daily_kpis k
        LEFT JOIN LATERAL (SELECT c.total_customers FROM reporting.customer_baseline c
                           WHERE c.program_id = k.program_id AND c.month <= k.day ORDER BY c.month DESC LIMIT 1) bl ON true
        WHERE k.program_id = @p AND k.day BETWEEN @from AND @to ORDER BY k.day
        """, r =>
    {
        long? total = r.IsDBNull(15) ? null : r.GetInt64(15);
        var members = r.GetInt64(1);
        return new DailyKpiRow(D(r, 0), members, r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7),
            r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetString(14).Trim(), total,
            total is > 0 ? (double)members / total.Value : null);
    }, ct, ("p", program), ("from", from), ("to", to));

    public Task<List<PlanStatusRow>> PlansAsync(Guid program, DateOnly day, CancellationToken ct) => QueryAsync("""
        SELECT day, plan_code, status, members, mrr_minor_units FROM reporting.daily_members_by_plan
        WHERE program_id = @p AND day = @day ORDER BY plan_code, status
        """, r => new PlanStatusRow(D(r, 0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)), ct, ("p", program), ("day", day));

    public async Task<List<MonthlyChurnRow>> ChurnAsync(Guid program, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = await QueryAsync("""
            SELECT a.month, a.active_at_start, a.churned, a.churned_voluntary, a.churned_involuntary,
                   coalesce(n.active_at_start, 0), coalesce(n.churned, 0)
            FROM reporting.monthly_churn a
            LEFT JOIN reporting.monthly_churn n ON n.program_id = a.program_id AND n.month = a.month AND n.segment = 'tenure-lt-12m'
            WHERE a.program_id = @p AND a.segment = 'all' AND a.month BETWEEN @from AND @to ORDER BY a.month
            """, r => (Month: D(r, 0), Active: r.GetInt64(1), Churned: r.GetInt64(2), Vol: r.GetInt64(3), Invol: r.GetInt64(4), NewActive: r.GetInt64(5), NewChurned: r.GetInt64(6)),
            ct, ("p", program), ("from", from), ("to", to));
        return rows.Select(x =>
        {
            var all = Rate.Of(x.Churned, x.Active);
            var fresh = Rate.Of(x.NewChurned, x.NewActive);
            return new MonthlyChurnRow(MonthText(x.Month), x.Active, x.Churned, all.Value, all.Lower, all.Upper,
                x.Vol, Rate.Of(x.Vol, x.Active).Value, x.Invol, Rate.Of(x.Invol, x.Active).Value,
                x.NewActive, x.NewChurned, fresh.Value, fresh.Lower, fresh.Upper);
        }).ToList();
    }

    public Task<List<ChurnReasonRow>> ChurnReasonsAsync(Guid program, DateOnly from, DateOnly to, CancellationToken ct) => QueryAsync("""
        SELECT date_trunc('month', day)::date, event, reason_code, sum(members)::bigint FROM reporting.daily_churn_reasons
        WHERE program_id = @p AND day >= @from AND day < @to_excl GROUP BY 1, 2, 3 ORDER BY 1, 2, 4 DESC, 3
        """, r => new ChurnReasonRow(MonthText(D(r, 0)), r.GetString(1), r.GetString(2), r.GetInt64(3)), ct,
        ("p", program), ("from", from), ("to_excl", to.AddMonths(1)));

    public Task<List<CohortRow>> CohortsAsync(Guid program, CancellationToken ct) => QueryAsync("""
        SELECT cohort_month, month, joined, active FROM reporting.monthly_cohorts WHERE program_id = @p ORDER BY cohort_month, month
        """, r =>
    {
        var cohort = D(r, 0);
        var month = D(r, 1);
        var joined = r.GetInt64(2);
        var active = r.GetInt64(3);
        return new CohortRow(MonthText(cohort), MonthText(month), ((month.Year - cohort.Year) * 12) + month.Month - cohort.Month, joined, active,
            joined == 0 ? 0 : (double)active / joined);
    }, ct, ("p", program));

    public Task<List<MrrMovementRow>> MrrAsync(Guid program, DateOnly from, DateOnly to, CancellationToken ct) => QueryAsync("""
        SELECT month, movement, members, mrr_minor_units FROM reporting.monthly_mrr_movements
        WHERE program_id = @p AND month BETWEEN @from AND @to
        ORDER BY month, array_position(ARRAY['start','new','reactivation','expansion','contraction','churn','end']::varchar[], movement)
        """, r => new MrrMovementRow(MonthText(D(r, 0)), r.GetString(1), r.GetInt64(2), r.GetInt64(3)), ct, ("p", program), ("from", from), ("to", to));

    private const string StatementColumns = """
        s.month, s.program_id, s.partner_id, s.partner_name, s.currency, s.redemptions, s.redemption_fees_minor_units, s.pass_revenue_minor_units,
        s.purchases, s.purchase_revenue_minor_units, s.referred_revenue_minor_units, s.commission_minor_units, s.cashback_minor_units,
        s.cashback_partner_funded_minor_units, s.net_owed_minor_units, true, s.rewards_included
        """;

    private static PartnerRevenueRow Revenue(NpgsqlDataReader r) => new(MonthText(D(r, 0)), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4),
        r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13),
        r.GetInt64(14), r.GetBoolean(15), r.GetBoolean(16));

    /// <summary>Closed months from the statements; the running month summed from the daily partner snapshots (not final).</summary>
    public async Task<List<PartnerRevenueRow>> PartnersAsync(Guid program, DateOnly month, CancellationToken ct)
    {
        var final = await QueryAsync($"SELECT {StatementColumns} FROM reporting.partner_statements s WHERE s.program_id = @p AND s.month = @m ORDER BY s.partner_name",
            Revenue, ct, ("p", program), ("m", month));
        if (final.Count > 0)
        {
            return final;
        }

        return await QueryAsync("""
            WITH d AS (
                SELECT partner_id, sum(redemptions) AS redemptions, sum(redemption_fees_minor_units) AS fees, sum(pass_revenue_minor_units) AS pass,
                       sum(commission_on_passes_minor_units) AS commission, min(currency) AS currency
                FROM reporting.daily_partner WHERE program_id = @p AND day >= @m AND day < @m_end GROUP BY partner_id),
            w AS (
                SELECT partner_id, sum(purchases) AS purchases, sum(purchase_revenue_minor_units) AS revenue, sum(commission_on_purchases_minor_units) AS commission,
                       sum(cashback_minor_units) AS cashback, sum(cashback_partner_funded_minor_units) AS funded
                FROM reporting.daily_partner_rewards WHERE program_id = @p AND day >= @m AND day < @m_end GROUP BY partner_id)
            SELECT @m, @p, pa.id, pa.name, coalesce(d.currency, pa.currency), coalesce(d.redemptions, 0)::bigint, coalesce(d.fees, 0)::bigint,
                   coalesce(d.pass, 0)::bigint, coalesce(w.purchases, 0)::bigint, coalesce(w.revenue, 0)::bigint,
                   (coalesce(d.pass, 0) + coalesce(w.revenue, 0))::bigint, (coalesce(d.commission, 0) + coalesce(w.commission, 0))::bigint,
                   coalesce(w.cashback, 0)::bigint, coalesce(w.funded, 0)::bigint,
                   (coalesce(d.fees, 0) + coalesce(d.commission, 0) + coalesce(w.commission, 0) + coalesce(w.funded, 0))::bigint,
                   false, EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = 'rewards' AND table_name = 'purchases')
            FROM catalog.partners pa
            LEFT JOIN d ON d.partner_id = pa.id LEFT JOIN w ON w.partner_id = pa.id
            WHERE d.partner_id IS NOT NULL OR w.partner_id IS NOT NULL
            ORDER BY pa.name
            """, Revenue, ct, ("p", program), ("m", month), ("m_end", month.AddMonths(1)));
    }

    /// <summary>Whether the partner takes part in the program (an operator asking about another program's partner gets 404).</summary>
    public async Task<bool> PartnerInProgramAsync(Guid program, Guid partner, CancellationToken ct) =>
        (await QueryAsync("SELECT 1 FROM catalog.partner_programs WHERE program_id = @p AND partner_id = @partner", _ => 1, ct,
            ("p", program), ("partner", partner))).Count > 0;

    public Task<List<PartnerRevenueRow>> StatementsAsync(Guid? program, Guid partner, DateOnly? month, CancellationToken ct) => QueryAsync($"""
        SELECT {StatementColumns} FROM reporting.partner_statements s
        WHERE s.partner_id = @partner AND (@p::uuid IS NULL OR s.program_id = @p) AND (@m::date IS NULL OR s.month = @m)
        ORDER BY s.month DESC, s.program_id
        """, Revenue, ct, ("partner", partner), ("p", (object?)program ?? DBNull.Value), ("m", (object?)month ?? DBNull.Value));

    public Task<List<TopOfferRow>> TopOffersAsync(Guid program, DateOnly month, CancellationToken ct) => QueryAsync("""
        SELECT o.offer_id, min(o.partner_id::text)::uuid, min(c.title_de), sum(o.redemptions)::bigint
        FROM reporting.daily_offers o LEFT JOIN catalog.offers c ON c.id = o.offer_id
        WHERE o.program_id = @p AND o.day >= @m AND o.day < @m_end
        GROUP BY o.offer_id ORDER BY 4 DESC, 1 LIMIT 20
        """, r => new TopOfferRow(MonthText(month), r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3)), ct,
        ("p", program), ("m", month), ("m_end", month.AddMonths(1)));

    public Task<List<EconomicsRow>> EconomicsAsync(Guid program, DateOnly from, DateOnly to, CancellationToken ct) => QueryAsync("""
        WITH k AS (
            SELECT date_trunc('month', day)::date AS month, sum(fee_revenue_minor_units) AS fees, avg(members) AS members, min(currency) AS currency
            FROM reporting.daily_kpis WHERE program_id = @p AND day >= @from AND day < @to_excl GROUP BY 1),
        pi AS (
            SELECT date_trunc('month', day)::date AS month, sum(redemption_fees_minor_units + commission_on_passes_minor_units) AS income
            FROM reporting.daily_partner WHERE program_id = @p AND day >= @from AND day < @to_excl GROUP BY 1),
        rw AS (
            SELECT date_trunc('month', day)::date AS month, sum(commission_on_purchases_minor_units) AS commission, sum(cashback_minor_units) AS cashback,
                   sum(cashback_minor_units - cashback_partner_funded_minor_units) AS program_cost
            FROM reporting.daily_partner_rewards WHERE program_id = @p AND day >= @from AND day < @to_excl GROUP BY 1),
        rf AS (
            SELECT date_trunc('month', day)::date AS month, sum(approved_minor_units) AS refunds
            FROM reporting.daily_refunds WHERE program_id = @p AND day >= @from AND day < @to_excl GROUP BY 1)
        SELECT k.month, k.currency, k.fees::bigint, (coalesce(pi.income, 0) + coalesce(rw.commission, 0))::bigint, coalesce(rw.cashback, 0)::bigint,
               coalesce(rw.program_cost, 0)::bigint, k.members::float8,
               EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = 'rewards' AND table_name = 'purchases'),
               coalesce(rf.refunds, 0)::bigint
        FROM k LEFT JOIN pi ON pi.month = k.month LEFT JOIN rw ON rw.month = k.month LEFT JOIN rf ON rf.month = k.month ORDER BY k.month
        """, r =>
    {
        var fees = r.GetInt64(2);
        var income = r.GetInt64(3);
        var cost = r.GetInt64(5);
        var refunds = r.GetInt64(8);
        var net = fees + income - cost - refunds;
        var members = r.GetDouble(6);
        return new EconomicsRow(MonthText(D(r, 0)), r.GetString(1).Trim(), fees, income, r.GetInt64(4), cost, refunds, net, members,
            members == 0 ? 0 : Math.Round(net / members, 2), r.GetBoolean(7));
    }, ct, ("p", program), ("from", from), ("to_excl", to.AddMonths(1)));

    public async Task<List<TripleWinRow>> TripleWinAsync(Guid program, DateOnly month, CancellationToken ct) =>
        (await PartnersAsync(program, month, ct)).Select(s => new TripleWinRow(s.Month, s.PartnerId, s.PartnerName, s.Currency,
            s.Redemptions, s.CashbackMinorUnits,
            s.ReferredRevenueMinorUnits, s.NetOwedMinorUnits, s.ReferredRevenueMinorUnits - s.NetOwedMinorUnits,
            s.RedemptionFeesMinorUnits + s.CommissionMinorUnits)).ToList();

    public static string? MaturityName(int? level) => level switch
    {
        1 => "1 initial",
        2 => "2 trial",
        3 => "3 established",
        4 => "4 deepened",
        5 => "5 strategic",
        _ => null,
    };

    public Task<List<BarometerRow>> BarometerAsync(Guid program, Guid? partner, CancellationToken ct) => QueryAsync("""
        SELECT b.month, b.partner_id, coalesce(pa.name, ''), b.redemptions, b.referred_revenue_minor_units, b.redemptions_previous_month,
               b.redemptions_per_1000_members, b.performance_level, b.structure_level, b.social_level, b.maturity_level,
               b.ratings, b.average_stars
        FROM reporting.monthly_barometer b LEFT JOIN catalog.partners pa ON pa.id = b.partner_id
        WHERE b.program_id = @p AND (@partner::uuid IS NULL OR b.partner_id = @partner)
        ORDER BY b.partner_id, b.month DESC
        """, r => new BarometerRow(MonthText(D(r, 0)), r.GetGuid(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetDecimal(6),
        r.GetInt32(7), NInt(r, 8), NInt(r, 9), NInt(r, 10), MaturityName(NInt(r, 10)), r.GetInt32(11), r.IsDBNull(12) ? null : r.GetDecimal(12)), ct, ("p", program), ("partner", (object?)partner ?? DBNull.Value));

    public Task<List<BaselineMonth>> BaselineAsync(Guid program, CancellationToken ct) => QueryAsync("""
        SELECT month, total_customers, total_cancellations, non_member_customers, non_member_cancellations, new_customers, new_customer_cancellations
        FROM reporting.customer_baseline WHERE program_id = @p ORDER BY month
        """, r => new BaselineMonth(MonthText(D(r, 0)), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)),
        ct, ("p", program));

    public async Task<ProgramEffectReport> ProgramEffectAsync(Guid program, DateOnly? asOf, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var month = asOf ?? (await QueryAsync("SELECT max(month) FROM reporting.monthly_tenure WHERE program_id = @p",
            r => r.IsDBNull(0) ? (DateOnly?)null : D(r, 0), ct, ("p", program))).Single();
        var tenures = month is null ? [] : await QueryAsync("""
            SELECT "group", days, churned, members FROM reporting.monthly_tenure WHERE program_id = @p AND month = @m
            """, r => (Group: r.GetString(0), Days: r.GetInt32(1), Churned: r.GetBoolean(2), Members: r.GetInt64(3)), ct, ("p", program), ("m", month.Value));
        var survival = new List<SurvivalGroup>();
        foreach (var group in new[] { "used-benefit-90d", "no-benefit-90d" })
        {
            var list = tenures.Where(t => t.Group == group).SelectMany(t => Enumerable.Repeat(new Tenure(t.Days, t.Churned), (int)t.Members)).ToList();
            var curve = KaplanMeier.Estimate(list);
            survival.Add(new SurvivalGroup(group, list.Count, list.Count(t => t.Churned), KaplanMeier.At(curve, 365), curve));
        }

        var first = from ?? DateOnly.MinValue;
        var last = to ?? month ?? DateOnly.MaxValue;
        var churn = await QueryAsync("""
            SELECT segment, sum(churned)::bigint, sum(active_at_start)::bigint FROM reporting.monthly_churn
            WHERE program_id = @p AND month BETWEEN @from AND @to GROUP BY segment
            """, r => (Segment: r.GetString(0), Events: r.GetInt64(1), Population: r.GetInt64(2)), ct, ("p", program), ("from", first), ("to", last));
        var launch = (await QueryAsync("""
            SELECT date_trunc('month', launched_at AT TIME ZONE time_zone)::date FROM platform.programs WHERE id = @p AND launched_at IS NOT NULL
            """, r => D(r, 0), ct, ("p", program))).Cast<DateOnly?>().SingleOrDefault();
        var baseline = await QueryAsync("""
            SELECT month, total_customers, total_cancellations, non_member_customers, non_member_cancellations, new_customers, new_customer_cancellations
            FROM reporting.customer_baseline WHERE program_id = @p ORDER BY month
            """, r => (Month: D(r, 0), Total: r.GetInt64(1), TotalC: r.GetInt64(2), Non: r.GetInt64(3), NonC: r.GetInt64(4), New: r.GetInt64(5), NewC: r.GetInt64(6)),
            ct, ("p", program));
        var before = baseline.Where(b => launch is { } l && b.Month < l).ToList();
        var after = baseline.Where(b => (launch is null || b.Month >= launch) && b.Month >= first && b.Month <= last).ToList();

        Rate Segment(string s) => churn.Where(c => c.Segment == s).Select(c => Rate.Of(c.Events, c.Population)).FirstOrDefault() ?? Rate.Of(0, 0);
        var rates = new List<(string Group, Rate Rate)>
        {
            ("members", Segment("all")),
            ("members-used-benefit-90d", Segment("used-benefit-90d")),
            ("members-no-benefit-90d", Segment("no-benefit-90d")),
            ("members-tenure-lt-12m", Segment("tenure-lt-12m")),
            ("non-members", Rate.Of(after.Sum(b => b.NonC), after.Sum(b => b.Non))),
            ("customers-before-launch", Rate.Of(before.Sum(b => b.TotalC), before.Sum(b => b.Total))),
            ("new-customers-before-launch", Rate.Of(before.Sum(b => b.NewC), before.Sum(b => b.New))),
        };
        Rate R(string g) => rates.Single(x => x.Group == g).Rate;
        DifferenceRow Diff(string a, string b)
        {
            var d = RateDifference.Between(R(a), R(b));
            return new DifferenceRow(a, b, d.Value, d.Lower, d.Upper, d.IsSignificant);
        }

        var latest = baseline.LastOrDefault(b => month is null || b.Month <= month);
        long? active = latest == default ? null : (await QueryAsync("""
            SELECT members FROM reporting.daily_kpis WHERE program_id = @p AND day < @end ORDER BY day DESC LIMIT 1
            """, r => r.GetInt64(0), ct, ("p", program), ("end", latest.Month.AddMonths(1)))).Cast<long?>().SingleOrDefault();
        return new ProgramEffectReport(month is null ? null : MonthText(month.Value), from is null ? null : MonthText(first), to is null ? null : MonthText(last),
            survival, rates.Select(x => new RateRow(x.Group, x.Rate.Events, x.Rate.Population, x.Rate.Value, x.Rate.Lower, x.Rate.Upper)).ToList(),
            [
                Diff("members-used-benefit-90d", "members-no-benefit-90d"),
                Diff("members", "non-members"),
                Diff("members", "customers-before-launch"),
                Diff("members-tenure-lt-12m", "new-customers-before-launch"),
            ],
            active, latest == default ? null : latest.Total, latest != default && latest.Total > 0 && active is { } a ? (double)a / latest.Total : null,
            SelectionBiasNote);
    }

    public static List<ProgramEffectCsvRow> Flatten(ProgramEffectReport report)
    {
        var rows = new List<ProgramEffectCsvRow>();
        foreach (var g in report.Survival)
        {
            rows.AddRange(g.Curve.Select(p => new ProgramEffectCsvRow("survival", g.Group, null, p.Day, p.Churned, p.AtRisk, p.Survival, p.Lower, p.Upper)));
        }

        rows.AddRange(report.MonthlyChurn.Select(r => new ProgramEffectCsvRow("monthly-churn", r.Group, null, null, r.Events, r.Population, r.Value, r.Lower, r.Upper)));
        rows.AddRange(report.Differences.Select(d => new ProgramEffectCsvRow("difference", d.Group, d.ComparedWith, null, null, null, d.Value, d.Lower, d.Upper)));
        if (report.Penetration is { } p)
        {
            rows.Add(new ProgramEffectCsvRow("penetration", "members/customers", null, null, report.ActiveMembers, report.TotalCustomers, p, p, p));
        }

        return rows;
    }
}
