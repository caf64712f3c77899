using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;

namespace BenefitProgram.Members.Billing;

/// <summary>
/// The statements of the set-based billing run (<see cref="BillingRunJob"/>, ADR 0018). Each takes one keyset batch
/// (<c>@after</c>, <c>@size</c>) of the memberships due for its case, locks them, and writes in one statement what the
/// entity methods write for each of them:
/// <list type="bullet">
/// <item>the membership row (status, status_changed_at, periods, dunning fields, plan),</item>
/// <item>one <c>membership_transitions</c> row per <c>Membership.Record</c> (status change or plan change),</item>
/// <item>the fees as <see cref="MembershipBilling.ChargeAsync"/> leaves them (reference
/// <c>{membershipId:N}:{kind}:{unixSeconds}:{planId:N}</c>, unique per provider: the idempotency key),</item>
/// <item>the outbox rows of the events, JSON as <c>OutboxMessage.From</c> serialises them (camelCase, enums as numbers),
/// in the order the entity raises them per membership.</item>
/// </list>
/// Every statement ends with <c>SELECT last id of the batch (NULL when empty), counters...</c>.
/// The session runs with TimeZone UTC (SET LOCAL), so "+ interval '1 month'" is <c>DateTimeOffset.AddMonths</c> at offset 0
/// and timestamps serialise as "+00:00".
/// </summary>
internal static class BillingSql
{
    public static string EventType<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";

    private const string Actor = "@actor";

    /// <summary>The enum's number as System.Text.Json writes it, from the name the column stores.</summary>
    private static string StatusNo(string expr) =>
        $"(array_position(ARRAY[{string.Join(", ", Enum.GetNames<MembershipStatus>().Select(n => $"'{n}'"))}]::text[], ({expr})::text) - 1)";

    private static string EndKindNo(EndKind kind) => ((int)kind).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string StatusNo(MembershipStatus status) => ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>Guid.CreateVersion7(now)</c>: the unix milliseconds of @now (@ms) in the first 48 bits, version 7, random rest.</summary>
    private const string Uuid7 =
        "encode(set_byte(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(@ms) from 3) from 1 for 6), 6, 112 + floor(random() * 16)::int), 'hex')::uuid";

    /// <summary><c>Plan.PeriodEndFrom(start)</c>.</summary>
    private static string PeriodEnd(string start, string interval) =>
        $"(CASE {interval} WHEN '{BillingInterval.Yearly}' THEN {start} + interval '1 year' ELSE {start} + interval '1 month' END)";

    /// <summary>The offline fee reference of <see cref="MembershipBilling.ChargeAsync"/>.</summary>
    private static string Reference(string membershipId, string periodStart, string planId) =>
        $"replace(({membershipId})::text, '-', '') || ':{FeeKind.Subscription}:' || floor(extract(epoch FROM {periodStart}))::bigint::text || ':' || replace(({planId})::text, '-', '')";

    private static string Batch(string scope, string columns, string condition) => $"""
        batch AS MATERIALIZED (
            SELECT {columns}
            FROM members.memberships ms
            WHERE {scope} AND {condition} AND ms.id > @after
            ORDER BY ms.id
            LIMIT @size
            FOR UPDATE OF ms)
        """;

    /// <summary>
    /// Needs the CTEs <c>moves</c> (id, program_id, member_id, plan_id, plan_code, from_status, to_status, reason, reason_text, ord)
    /// and <c>extra_events</c> (membership_id, ord, type, payload): writes the transition rows, their
    /// MembershipTransitioned events and the other events into the outbox, ordered per membership.
    /// </summary>
    private static readonly string Tail = $"""
        ins_transitions AS (
            INSERT INTO members.membership_transitions (program_id, membership_id, member_id, from_status, to_status, plan_id, plan_code, at, actor, reason_code, reason_text)
            SELECT program_id, id, member_id, from_status, to_status, plan_id, plan_code, @now, {Actor}, reason, reason_text
            FROM moves
            ORDER BY id, ord
            RETURNING 1),
        all_events AS (
            SELECT id AS membership_id, ord, @tTransitioned::text AS type,
                   jsonb_build_object('programId', program_id, 'memberId', member_id, 'membershipId', id,
                                      'from', {StatusNo("from_status")}, 'to', {StatusNo("to_status")}, 'planId', plan_id, 'planCode', plan_code,
                                      'reasonCode', reason, 'actor', {Actor}, 'occurredAt', @now) AS payload
            FROM moves
            UNION ALL
            SELECT membership_id, ord, type, payload FROM extra_events),
        ins_outbox AS (
            INSERT INTO members.outbox_messages (id, occurred_at, type, payload, attempts)
            SELECT {Uuid7}, @now, type, payload, 0
            FROM all_events
            ORDER BY membership_id, ord
            RETURNING 1)
        """;

    /// <summary>
    /// A status change without money (end, suspend, resume): <paramref name="set"/> is the UPDATE's SET list, the
    /// extra event is built from the moved row (columns of <c>moves</c>).
    /// </summary>
    private static string SimpleMove(string scope, MembershipStatus from, MembershipStatus to, string condition, string set, string reason,
        string eventTypeParameter, string eventFields) => $"""
        WITH {Batch(scope, "ms.id", $"ms.status = '{from}' AND {condition}")},
        upd AS (
            UPDATE members.memberships ms SET status = '{to}', status_changed_at = @now{(set.Length == 0 ? "" : ", " + set)}
            FROM batch b
            WHERE ms.id = b.id
            RETURNING ms.id, ms.program_id, ms.member_id, ms.plan_id, {reason} AS reason),
        moves AS (
            SELECT u.id, u.program_id, u.member_id, u.plan_id, p.code AS plan_code, '{from}'::text AS from_status, '{to}'::text AS to_status,
                   u.reason::text AS reason, NULL::text AS reason_text, 0 AS ord
            FROM upd u JOIN members.plans p ON p.id = u.plan_id),
        extra_events AS (
            SELECT id AS membership_id, 1 AS ord, {eventTypeParameter}::text AS type,
                   jsonb_build_object('programId', program_id, 'memberId', member_id, 'membershipId', id{eventFields}, 'occurredAt', @now) AS payload
            FROM moves),
        {Tail}
        SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1), (SELECT count(*) FROM batch)
        """;

    /// <summary>1. Cancelled and the paid period is over: <c>Membership.End(Voluntary, reason ?? "cancelled")</c>.</summary>
    public static string EndCancelled(string scope) => SimpleMove(scope, MembershipStatus.Cancelled, MembershipStatus.Ended,
        "ms.current_period_end <= @now",
        $"ended_at = @now, end_kind = '{EndKind.Voluntary}', scheduled_plan_id = NULL, paused_at = NULL",
        "coalesce(ms.cancellation_reason_code, 'cancelled')",
        "@tEnded", $", 'kind', {EndKindNo(EndKind.Voluntary)}, 'reasonCode', reason");

    /// <summary>4a. Past due too long: <c>Membership.Suspend</c>.</summary>
    public static string Suspend(string scope) => SimpleMove(scope, MembershipStatus.PastDue, MembershipStatus.Suspended,
        "ms.past_due_since <= @suspendBefore", "", "'dunning-exhausted'", "@tSuspended", "");

    /// <summary>5. Suspended too long: <c>Membership.End(Involuntary, "dunning-exhausted")</c>.</summary>
    public static string EndSuspended(string scope) => SimpleMove(scope, MembershipStatus.Suspended, MembershipStatus.Ended,
        "ms.status_changed_at <= @endBefore",
        $"ended_at = @now, end_kind = '{EndKind.Involuntary}', scheduled_plan_id = NULL, paused_at = NULL",
        "'dunning-exhausted'",
        "@tEnded", $", 'kind', {EndKindNo(EndKind.Involuntary)}, 'reasonCode', reason");

    /// <summary>6. A pause that ran out: <c>Membership.Resume(now, actor, "pause-expired")</c> (the paused days are added to the period).</summary>
    public static string PausesExpired(string scope) => SimpleMove(scope, MembershipStatus.Paused, MembershipStatus.Active,
        "ms.paused_at <= @pauseBefore",
        "current_period_end = ms.current_period_end + (@now - ms.paused_at), paused_at = NULL",
        "'pause-expired'", "@tResumed", "");

    /// <summary>
    /// <see cref="MembershipBilling.ChargeAsync"/> for the rows of <c>taken</c> (one per membership and period charged;
    /// columns id, program_id, member_id, n, period_start, period_end, plan_id, amount, currency, billing_provider,
    /// reference, paid, fee_id, fee_status, fee_amount, fee_currency, fee_plan_id): nothing for a free plan or an already
    /// paid fee; else the fee is created (or the open/failed one reused), marked paid or failed (attempts + 1), and a paid
    /// one raises FeeCharged (ord 10 n).
    /// </summary>
    private static readonly string Charges = $"""
        fee_rows AS MATERIALIZED (
            SELECT t.*, coalesce(t.fee_id, {Uuid7}) AS charge_fee_id
            FROM taken t
            WHERE t.amount > 0 AND t.fee_status IS DISTINCT FROM '{FeeStatus.Paid}'),
        fee_ins AS (
            INSERT INTO members.fees (id, program_id, member_id, membership_id, plan_id, kind, amount_minor_units, currency, period_start, period_end,
                                      status, provider, provider_reference, attempts, failure_reason, created_at, paid_at, provider_state_version)
            SELECT r.charge_fee_id, r.program_id, r.member_id, r.id, r.plan_id, '{FeeKind.Subscription}', r.amount, r.currency, r.period_start, r.period_end,
                   CASE WHEN r.paid THEN '{FeeStatus.Paid}' ELSE '{FeeStatus.Failed}' END, r.billing_provider, r.reference, 1,
                   CASE WHEN r.paid THEN NULL ELSE @decline END, @now, CASE WHEN r.paid THEN @now END, 0
            FROM fee_rows r
            WHERE r.fee_id IS NULL
            ORDER BY r.id, r.n
            RETURNING 1),
        {FeeAttempt("fee_rows")},
        fee_events AS (
            SELECT r.id AS membership_id, 10 * r.n AS ord, @tFeeCharged::text AS type,
                   jsonb_build_object('programId', r.program_id, 'memberId', r.member_id, 'membershipId', r.id, 'feeId', r.charge_fee_id,
                                      'planId', coalesce(r.fee_plan_id, r.plan_id), 'amountMinorUnits', coalesce(r.fee_amount, r.amount),
                                      'currency', coalesce(r.fee_currency, r.currency), 'periodStart', r.period_start, 'periodEnd', r.period_end,
                                      'occurredAt', @now) AS payload
            FROM fee_rows r
            WHERE r.paid)
        """;

    private const string FeeLookup = """
        LEFT JOIN members.fees f ON f.provider = b.billing_provider AND f.provider_reference = r.reference
        """;

    private const string FeeColumns = """
        f.id AS fee_id, f.status AS fee_status, f.amount_minor_units AS fee_amount, f.currency AS fee_currency, f.plan_id AS fee_plan_id
        """;

    /// <summary>A new attempt on an existing open or failed fee (rows of <paramref name="rows"/>: fee_id, paid): paid or failed again.</summary>
    private static string FeeAttempt(string rows) => $"""
        fee_upd AS (
            UPDATE members.fees f
            SET attempts = f.attempts + 1,
                status = CASE WHEN r.paid THEN '{FeeStatus.Paid}' ELSE '{FeeStatus.Failed}' END,
                paid_at = CASE WHEN r.paid THEN @now ELSE f.paid_at END,
                failure_reason = CASE WHEN r.paid THEN NULL ELSE @decline END
            FROM {rows} r
            WHERE f.id = r.fee_id
            RETURNING 1)
        """;

    private static string PaidIf(string price) => $"({price} = 0 OR f.status IS NOT DISTINCT FROM '{FeeStatus.Paid}' OR NOT b.fails)";

    private static string PaymentFailedJson(string t) =>
        $"jsonb_build_object('programId', {t}.program_id, 'memberId', {t}.member_id, 'membershipId', {t}.id, 'amountMinorUnits', {t}.amount, " +
        $"'currency', {t}.currency, 'attempt', {t}.failed_attempts + 1, 'failureReason', @decline::text, 'occurredAt', @now)";

    private static string ActivatedJson(string t, MembershipStatus from) =>
        $"jsonb_build_object('programId', {t}.program_id, 'memberId', {t}.member_id, 'membershipId', {t}.id, 'planId', {t}.plan_id, " +
        $"'planCode', {t}.plan_code, 'from', {StatusNo(from)}, 'occurredAt', @now)";

    /// <summary>
    /// 2. Trials that are over: the first fee (period from the trial end, the membership's plan) decides:
    /// <c>Activate(start, end, "trial-converted")</c> or <c>RecordPaymentFailure</c> (past due). Counters: converted, failed.
    /// </summary>
    public static string Trials(string scope) => $"""
        WITH {Batch(scope, "ms.id, ms.program_id, ms.member_id, ms.plan_id, ms.trial_ends_at AS period_start, ms.simulate_payment_failure AS fails, ms.failed_attempts, ms.billing_provider",
            $"ms.status = '{MembershipStatus.Trialing}' AND ms.trial_ends_at <= @now")},
        taken AS MATERIALIZED (
            SELECT b.id, b.program_id, b.member_id, b.plan_id, b.failed_attempts, b.billing_provider, 1 AS n, b.period_start,
                   {PeriodEnd("b.period_start", "p.interval")} AS period_end, p.code AS plan_code, p.price_minor_units AS amount, p.currency,
                   r.reference, {FeeColumns}, {PaidIf("p.price_minor_units")} AS paid
            FROM batch b
            JOIN members.plans p ON p.id = b.plan_id
            CROSS JOIN LATERAL (SELECT {Reference("b.id", "b.period_start", "p.id")} AS reference) r
            {FeeLookup}),
        {Charges},
        upd AS (
            UPDATE members.memberships ms
            SET status = CASE WHEN t.paid THEN '{MembershipStatus.Active}' ELSE '{MembershipStatus.PastDue}' END,
                status_changed_at = @now,
                current_period_start = CASE WHEN t.paid THEN t.period_start ELSE ms.current_period_start END,
                current_period_end = CASE WHEN t.paid THEN t.period_end ELSE ms.current_period_end END,
                past_due_since = CASE WHEN t.paid THEN NULL ELSE @now END,
                failed_attempts = CASE WHEN t.paid THEN 0 ELSE ms.failed_attempts + 1 END
            FROM taken t
            WHERE ms.id = t.id
            RETURNING 1),
        moves AS (
            SELECT t.id, t.program_id, t.member_id, t.plan_id, t.plan_code, '{MembershipStatus.Trialing}'::text AS from_status,
                   CASE WHEN t.paid THEN '{MembershipStatus.Active}' ELSE '{MembershipStatus.PastDue}' END::text AS to_status,
                   CASE WHEN t.paid THEN 'trial-converted' ELSE 'payment-failed' END::text AS reason,
                   CASE WHEN t.paid THEN NULL ELSE @decline END::text AS reason_text, 11 AS ord
            FROM taken t),
        extra_events AS (
            SELECT membership_id, ord, type, payload FROM fee_events
            UNION ALL
            SELECT t.id, 12, CASE WHEN t.paid THEN @tActivated ELSE @tPaymentFailed END::text,
                   CASE WHEN t.paid THEN {ActivatedJson("t", MembershipStatus.Trialing)} ELSE {PaymentFailedJson("t")} END
            FROM taken t),
        {Tail}
        SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1),
               (SELECT count(*) FROM taken WHERE paid), (SELECT count(*) FROM taken WHERE NOT paid)
        """;

    /// <summary>
    /// 3. Renewals of active memberships whose period is over: a scheduled downgrade applies first
    /// (<c>ApplyScheduledPlan</c>: transition Active → Active "plan-downgrade", PlanChanged); then period after period
    /// (at most 12, while the period end is not in the future) is charged and renewed, up to and including the first
    /// failed charge, which moves the membership to past due. Counters: periods renewed, failed, downgrades.
    /// </summary>
    public static string Renewals(string scope) => $"""
        WITH RECURSIVE {Batch(scope, "ms.id, ms.program_id, ms.member_id, ms.plan_id AS old_plan_id, coalesce(ms.scheduled_plan_id, ms.plan_id) AS plan_id, ms.scheduled_plan_id, ms.current_period_end AS first_start, ms.simulate_payment_failure AS fails, ms.failed_attempts, ms.billing_provider",
            $"ms.status = '{MembershipStatus.Active}' AND ms.current_period_end <= @now")},
        periods (id, n, period_start, period_end) AS (
            SELECT b.id, 1, b.first_start, {PeriodEnd("b.first_start", "p.interval")}
            FROM batch b JOIN members.plans p ON p.id = b.plan_id
            UNION ALL
            SELECT q.id, q.n + 1, q.period_end, {PeriodEnd("q.period_end", "p.interval")}
            FROM periods q JOIN batch b ON b.id = q.id JOIN members.plans p ON p.id = b.plan_id
            WHERE q.n < 12 AND q.period_end <= @now),
        charges AS (
            SELECT b.id, b.program_id, b.member_id, b.plan_id, b.failed_attempts, b.billing_provider, q.n, q.period_start, q.period_end,
                   p.code AS plan_code, p.price_minor_units AS amount, p.currency, r.reference, {FeeColumns}, {PaidIf("p.price_minor_units")} AS paid
            FROM periods q
            JOIN batch b ON b.id = q.id
            JOIN members.plans p ON p.id = b.plan_id
            CROSS JOIN LATERAL (SELECT {Reference("b.id", "q.period_start", "p.id")} AS reference) r
            {FeeLookup}),
        taken AS MATERIALIZED (
            SELECT c.*
            FROM (SELECT c.*, bool_and(c.paid) OVER (PARTITION BY c.id ORDER BY c.n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_paid
                  FROM charges c) c
            WHERE c.earlier_paid IS NOT FALSE),
        outcome AS MATERIALIZED (SELECT DISTINCT ON (t.id) t.* FROM taken t ORDER BY t.id, t.n DESC),
        last_paid AS (SELECT DISTINCT ON (t.id) t.id, t.period_start, t.period_end FROM taken t WHERE t.paid ORDER BY t.id, t.n DESC),
        {Charges},
        upd AS (
            UPDATE members.memberships ms
            SET plan_id = b.plan_id, scheduled_plan_id = NULL,
                current_period_start = coalesce(lp.period_start, ms.current_period_start),
                current_period_end = coalesce(lp.period_end, ms.current_period_end),
                status = CASE WHEN o.paid THEN ms.status ELSE '{MembershipStatus.PastDue}' END,
                status_changed_at = CASE WHEN o.paid THEN ms.status_changed_at ELSE @now END,
                past_due_since = CASE WHEN o.paid THEN ms.past_due_since ELSE @now END,
                failed_attempts = CASE WHEN o.paid THEN ms.failed_attempts ELSE ms.failed_attempts + 1 END
            FROM batch b
            JOIN outcome o ON o.id = b.id
            LEFT JOIN last_paid lp ON lp.id = b.id
            WHERE ms.id = b.id
            RETURNING 1),
        moves AS (
            SELECT b.id, b.program_id, b.member_id, b.plan_id, p.code AS plan_code, '{MembershipStatus.Active}'::text AS from_status,
                   '{MembershipStatus.Active}'::text AS to_status, 'plan-downgrade'::text AS reason, NULL::text AS reason_text, 0 AS ord
            FROM batch b JOIN members.plans p ON p.id = b.plan_id
            WHERE b.scheduled_plan_id IS NOT NULL
            UNION ALL
            SELECT o.id, o.program_id, o.member_id, o.plan_id, o.plan_code, '{MembershipStatus.Active}', '{MembershipStatus.PastDue}', 'payment-failed',
                   @decline, 10 * o.n + 1
            FROM outcome o
            WHERE NOT o.paid),
        extra_events AS (
            SELECT membership_id, ord, type, payload FROM fee_events
            UNION ALL
            SELECT b.id, 1, @tPlanChanged::text,
                   jsonb_build_object('programId', b.program_id, 'memberId', b.member_id, 'membershipId', b.id, 'fromPlanId', b.old_plan_id,
                                      'fromPlanCode', op.code, 'toPlanId', b.plan_id, 'toPlanCode', np.code, 'isUpgrade', false,
                                      'effectiveAt', @now, 'occurredAt', @now)
            FROM batch b JOIN members.plans op ON op.id = b.old_plan_id JOIN members.plans np ON np.id = b.plan_id
            WHERE b.scheduled_plan_id IS NOT NULL
            UNION ALL
            SELECT o.id, 10 * o.n + 2, @tPaymentFailed::text, {PaymentFailedJson("o")}
            FROM outcome o
            WHERE NOT o.paid),
        {Tail}
        SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1),
               (SELECT count(*) FROM taken WHERE paid), (SELECT count(*) FROM outcome WHERE NOT paid),
               (SELECT count(*) FROM batch WHERE scheduled_plan_id IS NOT NULL)
        """;

    /// <summary>
    /// 4b. The daily retry of past-due memberships (past due for more than 20 hours, not yet to be suspended):
    /// <see cref="MembershipBilling.RetryOutstandingAsync"/> on the latest failed fee. Declined: the fee counts the
    /// attempt. Paid: FeeCharged and <c>Activate(..., "payment-recovered")</c> with the fee's period while it runs,
    /// else a new period from now. Counter: recovered.
    /// </summary>
    public static string Retry(string scope) => $"""
        WITH {Batch(scope, "ms.id, ms.program_id, ms.member_id, ms.plan_id, ms.simulate_payment_failure AS fails",
            $"ms.status = '{MembershipStatus.PastDue}' AND ms.past_due_since > @suspendBefore AND ms.past_due_since < @retryBefore")},
        retry AS MATERIALIZED (
            SELECT b.id, b.program_id, b.member_id, b.plan_id, NOT b.fails AS paid, f.id AS fee_id, f.plan_id AS fee_plan_id,
                   f.amount_minor_units AS fee_amount, f.currency AS fee_currency, f.period_start, f.period_end
            FROM batch b
            CROSS JOIN LATERAL (
                SELECT f.* FROM members.fees f
                WHERE f.member_id = b.member_id AND f.membership_id = b.id AND f.status = '{FeeStatus.Failed}'
                ORDER BY f.period_start DESC
                LIMIT 1) f),
        {FeeAttempt("retry")},
        recovered AS MATERIALIZED (
            SELECT r.*, p.code AS plan_code,
                   CASE WHEN r.period_end > @now THEN r.period_start ELSE @now END AS new_start,
                   CASE WHEN r.period_end > @now THEN r.period_end ELSE {PeriodEnd("@now", "p.interval")} END AS new_end
            FROM retry r JOIN members.plans p ON p.id = r.plan_id
            WHERE r.paid),
        upd AS (
            UPDATE members.memberships ms
            SET status = '{MembershipStatus.Active}', status_changed_at = @now, current_period_start = r.new_start, current_period_end = r.new_end,
                past_due_since = NULL, failed_attempts = 0
            FROM recovered r
            WHERE ms.id = r.id
            RETURNING 1),
        moves AS (
            SELECT id, program_id, member_id, plan_id, plan_code, '{MembershipStatus.PastDue}'::text AS from_status, '{MembershipStatus.Active}'::text AS to_status,
                   'payment-recovered'::text AS reason, NULL::text AS reason_text, 11 AS ord
            FROM recovered),
        extra_events AS (
            SELECT id AS membership_id, 10 AS ord, @tFeeCharged::text AS type,
                   jsonb_build_object('programId', program_id, 'memberId', member_id, 'membershipId', id, 'feeId', fee_id, 'planId', fee_plan_id,
                                      'amountMinorUnits', fee_amount, 'currency', fee_currency, 'periodStart', period_start, 'periodEnd', period_end,
                                      'occurredAt', @now) AS payload
            FROM recovered
            UNION ALL
            SELECT r.id, 12, @tActivated::text, {ActivatedJson("r", MembershipStatus.PastDue)}
            FROM recovered r),
        {Tail}
        SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1), (SELECT count(*) FROM recovered)
        """;
}
