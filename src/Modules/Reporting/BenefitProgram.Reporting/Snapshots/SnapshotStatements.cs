using BenefitProgram.Reporting.Contracts;

namespace BenefitProgram.Reporting.Snapshots;

/// <summary>
/// The set-based statements of the nightly reporting steps. Parameters: @day (the night, a calendar day in the programs'
/// time zone), @month (first day of its month), @previous_month, @now, @programs (the programs of the night's time zone:
/// every statement starts from the bounds <c>b</c> of these programs and touches no other program). Every statement ends in ON CONFLICT DO NOTHING on
/// the table's unique key: a day (or month) that is already there stays as it was. Definitions: docs/reports.md.
/// </summary>
internal static class SnapshotStatements
{
    /// <summary>Statuses in which a person counts as a member (from joining until the membership has ended).</summary>
    public const string MemberStatuses = "('Trialing','Active','Cancelled','PastDue','Suspended','Paused')";

    /// <summary>Statuses that carry MRR (a paid period running or being collected; churn counts when the paid period ends).</summary>
    public const string PayingStatuses = "('Active','Cancelled','PastDue')";

    /// <summary>End reasons that make a churn involuntary (billing failed); every other end is voluntary.</summary>
    public const string InvoluntaryReasons = "('dunning-exhausted','payment-failed')";

    /// <summary>Day and month bounds of the night in each program's own time zone.</summary>
    private const string Bounds = """
        b AS (
            SELECT p.id AS program_id, p.currency, p.time_zone,
                   (@day::date::timestamp AT TIME ZONE p.time_zone) AS t0,
                   ((@day::date + 1)::timestamp AT TIME ZONE p.time_zone) AS t1,
                   (@month::date::timestamp AT TIME ZONE p.time_zone) AS m0
            FROM platform.programs p
            WHERE p.id = ANY(@programs))
        """;

    /// <summary>Each membership's state at an instant (column of b): its last transition before it.</summary>
    private static string StateAt(string name, string instant) => $"""
        {name} AS (
            SELECT DISTINCT ON (t.membership_id) t.program_id, t.membership_id, t.member_id, t.to_status AS status, t.plan_id,
                   CASE WHEN t.to_status IN {PayingStatuses}
                        THEN CASE WHEN pl.interval = 'Yearly' THEN round(pl.price_minor_units / 12.0)::bigint ELSE pl.price_minor_units END
                        ELSE 0 END AS mrr,
                   pl.code AS plan_code
            FROM members.membership_transitions t
            JOIN b ON b.program_id = t.program_id
            JOIN members.plans pl ON pl.id = t.plan_id
            WHERE t.at < b.{instant}
            ORDER BY t.membership_id, t.at DESC, t.id DESC)
        """;

    /// <summary>When each membership first became a member ("joined"), up to an instant.</summary>
    private static string FirstStart(string instant) => $"""
        fs AS (
            SELECT t.program_id, t.membership_id, min(t.member_id::text)::uuid AS member_id, min(t.at) AS first_start
            FROM members.membership_transitions t
            JOIN b ON b.program_id = t.program_id
            WHERE t.to_status IN {MemberStatuses} AND t.at < b.{instant}
            GROUP BY t.program_id, t.membership_id)
        """;

    /// <summary>
    /// "Used a benefit in the first 90 days" (docs/reports.md, "Program effect") as an SQL condition on a row with program_id,
    /// member_id and first_start: a catalog redemption, a cashback purchase recorded by Rewards (not declined) or a submitted
    /// refund claim in [joined, joined + 90 days). The Rewards parts only when its tables have the columns (ReportingSql).
    /// </summary>
    public static string UsedBenefit(bool purchases, bool claims)
    {
        var used = """
            (EXISTS (SELECT 1 FROM catalog.redemptions r
                     WHERE r.program_id = {0}.program_id AND r.member_id = {0}.member_id
                       AND r.created_at >= {0}.first_start AND r.created_at < {0}.first_start + interval '90 days')
            """;
        if (purchases)
        {
            used += """
                 OR EXISTS (SELECT 1 FROM rewards.purchases pu
                            WHERE pu.program_id = {0}.program_id AND pu.member_id = {0}.member_id AND pu.state <> 'Declined'
                              AND pu.purchased_at >= {0}.first_start AND pu.purchased_at < {0}.first_start + interval '90 days')
                """;
        }

        if (claims)
        {
            used += """
                 OR EXISTS (SELECT 1 FROM rewards.refund_claims rc
                            WHERE rc.program_id = {0}.program_id AND rc.member_id = {0}.member_id
                              AND rc.created_at >= {0}.first_start AND rc.created_at < {0}.first_start + interval '90 days')
                """;
        }

        return used + ")";
    }

    // ------------------------------------------------------------------ daily ------------------------------------------------------------------

    public static readonly string MembersByPlan = $"""
        WITH {Bounds}, {StateAt("st", "t1")}
        INSERT INTO reporting.daily_members_by_plan (program_id, day, plan_code, status, members, mrr_minor_units)
        SELECT st.program_id, @day, st.plan_code, st.status, count(*), sum(st.mrr)
        FROM st
        WHERE st.status IN {MemberStatuses}
        GROUP BY st.program_id, st.plan_code, st.status
        ON CONFLICT DO NOTHING
        """;

    public static readonly string Kpis = $"""
        WITH {Bounds}, {StateAt("st", "t1")}, {FirstStart("t1")},
        s AS (
            SELECT st.program_id,
                   count(*) AS members,
                   count(*) FILTER (WHERE st.mrr > 0) AS paying,
                   count(*) FILTER (WHERE st.status = 'Trialing') AS trialing,
                   count(*) FILTER (WHERE fs.first_start > b.t1 - interval '12 months') AS lt12,
                   sum(st.mrr) AS mrr
            FROM st JOIN b ON b.program_id = st.program_id JOIN fs ON fs.membership_id = st.membership_id
            WHERE st.status IN {MemberStatuses}
            GROUP BY st.program_id),
        ev AS (
            SELECT t.program_id, t.membership_id, t.from_status, t.to_status, t.reason_code, t.at, t.id, fs.first_start
            FROM members.membership_transitions t
            JOIN b ON b.program_id = t.program_id
            LEFT JOIN fs ON fs.membership_id = t.membership_id
            WHERE t.at >= b.t0 AND t.at < b.t1),
        e AS (
            SELECT ev.program_id,
                   count(*) FILTER (WHERE ev.to_status IN {MemberStatuses} AND (ev.from_status IS NULL OR ev.from_status IN ('Ended','PendingPaymentMethod'))
                                    AND ev.at = ev.first_start) AS new_members,
                   count(*) FILTER (WHERE ev.to_status IN {MemberStatuses} AND ev.from_status IN ('Ended','PendingPaymentMethod')
                                    AND ev.at > ev.first_start) AS reactivated,
                   count(*) FILTER (WHERE (ev.to_status = 'Cancelled' AND ev.from_status IS DISTINCT FROM 'Cancelled')
                                       OR (ev.to_status = 'Ended' AND ev.from_status IN {MemberStatuses} AND ev.from_status <> 'Cancelled'
                                           AND ev.reason_code NOT IN {InvoluntaryReasons})) AS cancel_requested,
                   count(*) FILTER (WHERE ev.to_status = 'Ended' AND ev.from_status IN {MemberStatuses} AND ev.reason_code NOT IN {InvoluntaryReasons}) AS vol,
                   count(*) FILTER (WHERE ev.to_status = 'Ended' AND ev.from_status IN {MemberStatuses} AND ev.reason_code IN {InvoluntaryReasons}) AS invol,
                   count(*) FILTER (WHERE ev.to_status = 'Ended' AND ev.from_status IN {MemberStatuses} AND ev.first_start > ev.at - interval '12 months') AS lt12
            FROM ev GROUP BY ev.program_id),
        f AS (
            SELECT fe.program_id, sum(fe.amount_minor_units) AS fees
            FROM members.fees fe JOIN b ON b.program_id = fe.program_id
            WHERE fe.status = 'Paid' AND fe.paid_at >= b.t0 AND fe.paid_at < b.t1 AND fe.currency = b.currency
            GROUP BY fe.program_id),
        r AS (
            SELECT x.program_id, count(*) AS redemptions
            FROM catalog.redemptions x JOIN b ON b.program_id = x.program_id
            WHERE x.created_at >= b.t0 AND x.created_at < b.t1
            GROUP BY x.program_id)
        INSERT INTO reporting.daily_kpis (program_id, day, members, paying_members, trialing_members, members_tenure_lt_12m, new_members,
            reactivated_members, cancellations_requested, churned_voluntary, churned_involuntary, churned_tenure_lt_12m, mrr_minor_units,
            fee_revenue_minor_units, redemptions, currency, computed_at)
        SELECT b.program_id, @day, coalesce(s.members, 0), coalesce(s.paying, 0), coalesce(s.trialing, 0), coalesce(s.lt12, 0),
               coalesce(e.new_members, 0), coalesce(e.reactivated, 0), coalesce(e.cancel_requested, 0), coalesce(e.vol, 0), coalesce(e.invol, 0),
               coalesce(e.lt12, 0), coalesce(s.mrr, 0), coalesce(f.fees, 0), coalesce(r.redemptions, 0), b.currency, @now
        FROM b
        LEFT JOIN s ON s.program_id = b.program_id
        LEFT JOIN e ON e.program_id = b.program_id
        LEFT JOIN f ON f.program_id = b.program_id
        LEFT JOIN r ON r.program_id = b.program_id
        ON CONFLICT DO NOTHING
        """;

    public static readonly string ChurnReasons = $"""
        WITH {Bounds}
        INSERT INTO reporting.daily_churn_reasons (program_id, day, event, reason_code, members)
        SELECT x.program_id, @day, x.event, x.reason_code, count(*)
        FROM (
            SELECT t.program_id, t.reason_code,
                   CASE WHEN t.to_status = 'Ended' AND t.reason_code IN {InvoluntaryReasons} THEN 'churned-involuntary'
                        WHEN t.to_status = 'Ended' THEN 'churned-voluntary'
                        ELSE 'cancel-requested' END AS event
            FROM members.membership_transitions t
            JOIN b ON b.program_id = t.program_id
            WHERE t.at >= b.t0 AND t.at < b.t1
              AND ((t.to_status = 'Ended' AND t.from_status IN {MemberStatuses})
                   OR (t.to_status = 'Cancelled' AND t.from_status IS DISTINCT FROM 'Cancelled'))
            UNION ALL
            -- an immediate voluntary end (free plan, nothing paid ahead) is a cancellation request as well
            SELECT t.program_id, t.reason_code, 'cancel-requested'
            FROM members.membership_transitions t
            JOIN b ON b.program_id = t.program_id
            WHERE t.at >= b.t0 AND t.at < b.t1 AND t.to_status = 'Ended' AND t.from_status IN {MemberStatuses}
              AND t.from_status <> 'Cancelled' AND t.reason_code NOT IN {InvoluntaryReasons}) x
        GROUP BY x.program_id, x.event, x.reason_code
        ON CONFLICT DO NOTHING
        """;

    public static readonly string Partners = $"""
        WITH {Bounds},
        x AS (
            SELECT r.program_id, r.partner_id,
                   count(*) FILTER (WHERE r.created_at >= b.t0 AND r.created_at < b.t1) AS redemptions,
                   count(*) FILTER (WHERE r.verified_at >= b.t0 AND r.verified_at < b.t1) AS verified,
                   coalesce(sum(r.amount_minor_units) FILTER (WHERE r.verified_at >= b.t0 AND r.verified_at < b.t1), 0) AS pass_revenue
            FROM catalog.redemptions r JOIN b ON b.program_id = r.program_id
            WHERE (r.created_at >= b.t0 AND r.created_at < b.t1) OR (r.verified_at >= b.t0 AND r.verified_at < b.t1)
            GROUP BY r.program_id, r.partner_id)
        INSERT INTO reporting.daily_partner (program_id, day, partner_id, redemptions, verified_passes, pass_revenue_minor_units,
            redemption_fees_minor_units, commission_on_passes_minor_units, currency)
        SELECT x.program_id, @day, x.partner_id, x.redemptions, x.verified, x.pass_revenue,
               x.redemptions * pa.fee_per_redemption_minor_units,
               round(x.pass_revenue * pa.commission_rate_basis_points / 10000.0)::bigint, pa.currency
        FROM x JOIN catalog.partners pa ON pa.id = x.partner_id
        ON CONFLICT DO NOTHING
        """;

    public static readonly string Offers = $"""
        WITH {Bounds}
        INSERT INTO reporting.daily_offers (program_id, day, offer_id, partner_id, redemptions)
        SELECT r.program_id, @day, r.offer_id, min(r.partner_id::text)::uuid, count(*)
        FROM catalog.redemptions r JOIN b ON b.program_id = r.program_id
        WHERE r.created_at >= b.t0 AND r.created_at < b.t1
        GROUP BY r.program_id, r.offer_id
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Run only when rewards.purchases has the expected columns (ReportingSql.PurchaseColumns).</summary>
    public static readonly string PartnerRewards = $"""
        WITH {Bounds}
        INSERT INTO reporting.daily_partner_rewards (program_id, day, partner_id, purchases, purchase_revenue_minor_units,
            commission_on_purchases_minor_units, cashback_minor_units, cashback_partner_funded_minor_units)
        SELECT p.program_id, @day, p.partner_id, count(*), sum(p.amount_minor - p.returned_minor),
               sum(p.commission_minor), sum(p.cashback_minor), sum(p.partner_share_minor)
        FROM rewards.purchases p
        JOIN b ON b.program_id = p.program_id
        -- Rewards keeps each purchase's commission, cashback and partner share after returns, per the contract of its day.
        WHERE p.purchased_at >= b.t0 AND p.purchased_at < b.t1 AND p.state NOT IN ('Declined', 'Reversed')
        GROUP BY p.program_id, p.partner_id
        ON CONFLICT DO NOTHING
        """;

    /// <summary>
    /// Refund claims approved (fully or in part) on the day: the program pays them to the member. A decision is final, so
    /// the day's figure never changes. Run only when Rewards is there (with the partner rewards figures).
    /// </summary>
    public static readonly string Refunds = $"""
        WITH {Bounds}
        INSERT INTO reporting.daily_refunds (program_id, day, claims_approved, approved_minor_units, currency, computed_at)
        SELECT b.program_id, @day, count(c.id), coalesce(sum(c.approved_minor), 0), b.currency, @now
        FROM b
        LEFT JOIN rewards.refund_claims c ON c.program_id = b.program_id AND c.status IN ('Approved', 'PartlyApproved')
            AND c.decided_at >= b.t0 AND c.decided_at < b.t1 AND c.currency = b.currency
        GROUP BY b.program_id, b.currency
        ON CONFLICT DO NOTHING
        """;

    // ------------------------------------------------------------------ monthly ------------------------------------------------------------------

    public static string MonthlyChurn(string usedBenefit) => $"""
        WITH {Bounds}, {StateAt("st0", "m0")}, {FirstStart("t1")},
        ch AS (
            SELECT DISTINCT ON (t.membership_id) t.membership_id, t.reason_code IN {InvoluntaryReasons} AS involuntary
            FROM members.membership_transitions t JOIN b ON b.program_id = t.program_id
            WHERE t.to_status = 'Ended' AND t.from_status IN {MemberStatuses} AND t.at >= b.m0 AND t.at < b.t1
            ORDER BY t.membership_id, t.at, t.id),
        x AS (
            SELECT st0.program_id, b.m0, fs.first_start, ch.membership_id IS NOT NULL AS churned, coalesce(ch.involuntary, false) AS involuntary,
                   {string.Format(System.Globalization.CultureInfo.InvariantCulture, usedBenefit, "fs")} AS used
            FROM st0
            JOIN b ON b.program_id = st0.program_id
            JOIN fs ON fs.membership_id = st0.membership_id
            LEFT JOIN ch ON ch.membership_id = st0.membership_id
            WHERE st0.status IN {MemberStatuses})
        INSERT INTO reporting.monthly_churn (program_id, month, segment, active_at_start, churned, churned_voluntary, churned_involuntary)
        SELECT x.program_id, @month, v.segment, count(*), count(*) FILTER (WHERE x.churned),
               count(*) FILTER (WHERE x.churned AND NOT x.involuntary), count(*) FILTER (WHERE x.churned AND x.involuntary)
        FROM x CROSS JOIN LATERAL (VALUES
            ('all', true),
            ('tenure-lt-12m', x.first_start > x.m0 - interval '12 months'),
            ('used-benefit-90d', x.first_start <= x.m0 - interval '90 days' AND x.used),
            ('no-benefit-90d', x.first_start <= x.m0 - interval '90 days' AND NOT x.used)) AS v(segment, included)
        WHERE v.included
        GROUP BY x.program_id, v.segment
        ON CONFLICT DO NOTHING
        """;

    public static readonly string MonthlyCohorts = $"""
        WITH {Bounds}, {StateAt("st1", "t1")}, {FirstStart("t1")}
        INSERT INTO reporting.monthly_cohorts (program_id, month, cohort_month, joined, active)
        SELECT fs.program_id, @month, date_trunc('month', fs.first_start AT TIME ZONE b.time_zone)::date, count(*),
               count(*) FILTER (WHERE st1.status IN {MemberStatuses})
        FROM fs JOIN b ON b.program_id = fs.program_id JOIN st1 ON st1.membership_id = fs.membership_id
        GROUP BY fs.program_id, 3
        ON CONFLICT DO NOTHING
        """;

    public static readonly string MonthlyMrr = $"""
        WITH {Bounds}, {StateAt("st0", "m0")}, {StateAt("st1", "t1")},
        paid_before AS (
            SELECT DISTINCT t.membership_id
            FROM members.membership_transitions t JOIN b ON b.program_id = t.program_id JOIN members.plans pl ON pl.id = t.plan_id
            WHERE t.at < b.m0 AND t.to_status IN {PayingStatuses} AND pl.price_minor_units > 0),
        mv AS (
            SELECT coalesce(st1.program_id, st0.program_id) AS program_id, coalesce(st1.membership_id, st0.membership_id) AS membership_id,
                   coalesce(st0.mrr, 0) AS s, coalesce(st1.mrr, 0) AS e
            FROM st1 FULL JOIN st0 ON st0.membership_id = st1.membership_id),
        cl AS (
            SELECT mv.program_id, mv.s, mv.e,
                   CASE WHEN mv.s = 0 AND mv.e > 0 AND pb.membership_id IS NULL THEN 'new'
                        WHEN mv.s = 0 AND mv.e > 0 THEN 'reactivation'
                        WHEN mv.s > 0 AND mv.e > mv.s THEN 'expansion'
                        WHEN mv.s > 0 AND mv.e > 0 AND mv.e < mv.s THEN 'contraction'
                        WHEN mv.s > 0 AND mv.e = 0 THEN 'churn' END AS movement
            FROM mv LEFT JOIN paid_before pb ON pb.membership_id = mv.membership_id)
        INSERT INTO reporting.monthly_mrr_movements (program_id, month, movement, members, mrr_minor_units)
        SELECT b.program_id, @month, m.movement, coalesce(a.members, 0), coalesce(a.mrr, 0)
        FROM b CROSS JOIN (VALUES ('start'), ('new'), ('reactivation'), ('expansion'), ('contraction'), ('churn'), ('end')) AS m(movement)
        LEFT JOIN (
            SELECT cl.program_id, cl.movement, count(*) AS members, sum(cl.e - cl.s) AS mrr FROM cl WHERE cl.movement IS NOT NULL GROUP BY 1, 2
            UNION ALL SELECT cl.program_id, 'start', count(*), sum(cl.s) FROM cl WHERE cl.s > 0 GROUP BY 1
            UNION ALL SELECT cl.program_id, 'end', count(*), sum(cl.e) FROM cl WHERE cl.e > 0 GROUP BY 1) a
          ON a.program_id = b.program_id AND a.movement = m.movement
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Tenure counts for Kaplan–Meier, landmarked at day 90 (docs/reports.md, "Program effect").</summary>
    public static string MonthlyTenure(string usedBenefit) => $"""
        WITH {Bounds}, {FirstStart("t1")},
        fc AS (
            SELECT t.membership_id, min(t.at) AS first_churn
            FROM members.membership_transitions t JOIN b ON b.program_id = t.program_id
            WHERE t.to_status = 'Ended' AND t.from_status IN {MemberStatuses} AND t.at < b.t1
            GROUP BY t.membership_id),
        x AS (
            SELECT fs.program_id, fc.first_churn IS NOT NULL AS churned,
                   floor(extract(epoch FROM (coalesce(fc.first_churn, b.t1) - fs.first_start)) / 86400)::int AS days,
                   {string.Format(System.Globalization.CultureInfo.InvariantCulture, usedBenefit, "fs")} AS used
            FROM fs JOIN b ON b.program_id = fs.program_id
            LEFT JOIN fc ON fc.membership_id = fs.membership_id AND fc.first_churn >= fs.first_start
            WHERE fs.first_start <= b.t1 - interval '90 days'
              AND (fc.first_churn IS NULL OR fc.first_churn >= fs.first_start + interval '90 days'))
        INSERT INTO reporting.monthly_tenure (program_id, month, "group", days, churned, members)
        SELECT x.program_id, @month, CASE WHEN x.used THEN 'used-benefit-90d' ELSE 'no-benefit-90d' END, x.days, x.churned, count(*)
        FROM x GROUP BY 1, 3, 4, 5
        ON CONFLICT DO NOTHING
        """;

    /// <summary>The month's statement of every partner of every program, from the raw facts of the month.</summary>
    public static string Statements(bool rewards) => $"""
        WITH {Bounds},
        red AS (
            SELECT r.program_id, r.partner_id,
                   count(*) FILTER (WHERE r.created_at >= b.m0 AND r.created_at < b.t1) AS redemptions,
                   coalesce(sum(r.amount_minor_units) FILTER (WHERE r.verified_at >= b.m0 AND r.verified_at < b.t1), 0) AS pass_revenue
            FROM catalog.redemptions r JOIN b ON b.program_id = r.program_id
            WHERE (r.created_at >= b.m0 AND r.created_at < b.t1) OR (r.verified_at >= b.m0 AND r.verified_at < b.t1)
            GROUP BY r.program_id, r.partner_id),
        pu AS ({(rewards ? """
            SELECT p.program_id, p.partner_id, count(*) AS purchases, sum(p.amount_minor - p.returned_minor) AS revenue, sum(p.cashback_minor) AS cashback
            FROM rewards.purchases p JOIN b ON b.program_id = p.program_id
            WHERE p.purchased_at >= b.m0 AND p.purchased_at < b.t1 AND p.state NOT IN ('Declined', 'Reversed')
            GROUP BY p.program_id, p.partner_id
            """ : "SELECT NULL::uuid AS program_id, NULL::uuid AS partner_id, 0::bigint AS purchases, 0::bigint AS revenue, 0::bigint AS cashback WHERE false")}),
        x AS (
            SELECT pp.partner_id, pp.program_id, pa.name, pa.currency, pa.fee_per_redemption_minor_units AS fee, pa.commission_rate_basis_points AS bps,
                   pa.partner_share_basis_points AS share,
                   coalesce(red.redemptions, 0) AS redemptions, coalesce(red.pass_revenue, 0) AS pass_revenue,
                   coalesce(pu.purchases, 0) AS purchases, coalesce(pu.revenue, 0) AS purchase_revenue, coalesce(pu.cashback, 0) AS cashback
            FROM catalog.partner_programs pp
            JOIN catalog.partners pa ON pa.id = pp.partner_id
            JOIN b ON b.program_id = pp.program_id
            LEFT JOIN red ON red.program_id = pp.program_id AND red.partner_id = pp.partner_id
            LEFT JOIN pu ON pu.program_id = pp.program_id AND pu.partner_id = pp.partner_id
            WHERE pp.joined_at < b.t1),
        y AS (
            SELECT x.*, x.redemptions * x.fee AS fees, round((x.pass_revenue + x.purchase_revenue) * x.bps / 10000.0)::bigint AS commission,
                   round(x.cashback * x.share / 10000.0)::bigint AS funded
            FROM x),
        ins AS (
        INSERT INTO reporting.partner_statements (partner_id, program_id, month, partner_name, currency, redemptions, fee_per_redemption_minor_units,
            redemption_fees_minor_units, pass_revenue_minor_units, purchases, purchase_revenue_minor_units, referred_revenue_minor_units,
            commission_rate_basis_points, commission_minor_units, cashback_minor_units, cashback_partner_funded_minor_units, net_owed_minor_units,
            rewards_included, created_at)
        SELECT y.partner_id, y.program_id, @month, y.name, y.currency, y.redemptions, y.fee, y.fees, y.pass_revenue, y.purchases, y.purchase_revenue,
               y.pass_revenue + y.purchase_revenue, y.bps, y.commission, y.cashback, y.funded, y.fees + y.commission + y.funded,
               {(rewards ? "true" : "false")}, @now
        FROM y
        ON CONFLICT DO NOTHING
        RETURNING partner_id, program_id, month, currency, net_owed_minor_units)
        -- Only a statement inserted now announces itself: a second run of the night inserts nothing and publishes nothing.
        INSERT INTO reporting.outbox_messages (id, occurred_at, type, payload, attempts)
        SELECT gen_random_uuid(), @now, '{StatementReadyType}',
               jsonb_build_object('programId', ins.program_id, 'partnerId', ins.partner_id, 'month', to_char(ins.month, 'YYYY-MM-DD'),
                                  'currency', ins.currency, 'netOwedMinorUnits', ins.net_owed_minor_units, 'occurredAt', @now), 0
        FROM ins
        """;

    /// <summary>The outbox type name of <see cref="PartnerStatementReady"/> (a constant of code, never input).</summary>
    private static readonly string StatementReadyType =
        $"{typeof(PartnerStatementReady).FullName}, {typeof(PartnerStatementReady).Assembly.GetName().Name}";

    /// <summary>The barometer of the month: performance computed, structure and social from the latest questionnaire.</summary>
    public static readonly string Barometer = $"""
        WITH {Bounds},
        cur AS (SELECT * FROM reporting.partner_statements WHERE month = @month AND program_id = ANY(@programs)),
        prev AS (SELECT partner_id, program_id, redemptions FROM reporting.partner_statements WHERE month = @previous_month AND program_id = ANY(@programs)),
        mem AS (SELECT program_id, members FROM reporting.daily_kpis WHERE day = @day AND program_id = ANY(@programs)),
        qa AS (
            SELECT DISTINCT ON (a.program_id, a.partner_id) a.program_id, a.partner_id, a.structure_level, a.social_level
            FROM reporting.barometer_assessments a JOIN b ON b.program_id = a.program_id
            WHERE a.assessed_at < b.t1
            ORDER BY a.program_id, a.partner_id, a.assessed_at DESC, a.id DESC),
        rt AS (
            SELECT r.program_id, r.partner_id, count(*) AS ratings, round(avg(r.stars), 2) AS average_stars
            FROM catalog.offer_ratings r JOIN b ON b.program_id = r.program_id
            WHERE r.rated_at < b.t1
            GROUP BY r.program_id, r.partner_id),
        x AS (
            SELECT cur.program_id, cur.partner_id, cur.redemptions, cur.referred_revenue_minor_units AS revenue,
                   coalesce(prev.redemptions, 0) AS prev_redemptions,
                   CASE WHEN coalesce(mem.members, 0) = 0 THEN 0 ELSE round(cur.redemptions * 1000.0 / mem.members, 2) END AS per1000,
                   coalesce(rt.ratings, 0) AS ratings, rt.average_stars
            FROM cur
            LEFT JOIN prev ON prev.partner_id = cur.partner_id AND prev.program_id = cur.program_id
            LEFT JOIN mem ON mem.program_id = cur.program_id
            LEFT JOIN rt ON rt.partner_id = cur.partner_id AND rt.program_id = cur.program_id),
        y AS (
            SELECT x.*, 1 + round(4 * ((x.redemptions > 0)::int + (x.revenue > 0)::int + (x.redemptions > 0 AND x.redemptions >= x.prev_redemptions)::int
                       + (x.per1000 >= 10)::int + (x.ratings >= 3 AND x.average_stars >= 4)::int) / 5.0)::int AS performance
            FROM x)
        INSERT INTO reporting.monthly_barometer (program_id, partner_id, month, redemptions, referred_revenue_minor_units, redemptions_previous_month,
            redemptions_per_1000_members, ratings, average_stars, performance_level, structure_level, social_level, maturity_level)
        SELECT y.program_id, y.partner_id, @month, y.redemptions, y.revenue, y.prev_redemptions, y.per1000, y.ratings, y.average_stars, y.performance,
               qa.structure_level, qa.social_level,
               CASE WHEN qa.structure_level IS NULL THEN NULL ELSE round((y.performance + qa.structure_level + qa.social_level) / 3.0)::int END
        FROM y LEFT JOIN qa ON qa.program_id = y.program_id AND qa.partner_id = y.partner_id
        ON CONFLICT DO NOTHING
        """;
}
