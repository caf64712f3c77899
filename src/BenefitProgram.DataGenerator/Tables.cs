using NpgsqlTypes;
using T = NpgsqlTypes.NpgsqlDbType;

namespace BenefitProgram.DataGenerator;

/// <summary>
/// The tables the generator writes, with their columns exactly as the modules' migrations define them (identity and
/// generated columns are left to the database). Order matters: it is the order of the COPYs (foreign keys).
/// </summary>
internal sealed class Tables
{
    private static CopyTable Make(string name, params (string Column, NpgsqlDbType Type)[] columns) =>
        new(name, columns.Select(c => c.Column).ToArray(), columns.Select(c => c.Type).ToArray());

    private const NpgsqlDbType TextArray = T.Array | T.Text;

    public CopyTable Partners { get; } = Make("catalog.partners",
        ("id", T.Uuid), ("name", T.Text), ("logo_url", T.Text), ("categories", TextArray), ("regions", TextArray),
        ("cooperation_model", T.Text), ("commission_rate_basis_points", T.Integer), ("fee_per_redemption_minor_units", T.Bigint),
        ("currency", T.Text), ("cashback_funding", T.Text), ("partner_share_basis_points", T.Integer), ("status", T.Text),
        ("created_at", T.TimestampTz));

    public CopyTable PartnerPrograms { get; } = Make("catalog.partner_programs",
        ("partner_id", T.Uuid), ("program_id", T.Uuid), ("joined_at", T.TimestampTz));

    public CopyTable Offers { get; } = Make("catalog.offers",
        ("id", T.Uuid), ("partner_id", T.Uuid), ("program_id", T.Uuid), ("kind", T.Text), ("status", T.Text), ("revision", T.Integer),
        ("partner_name", T.Text), ("category", T.Text), ("title_de", T.Text), ("title_en", T.Text), ("description_de", T.Text),
        ("description_en", T.Text), ("terms_de", T.Text), ("terms_en", T.Text), ("image_urls", TextArray), ("valid_from", T.TimestampTz),
        ("valid_until", T.TimestampTz), ("eligible_plans", TextArray), ("eligible_regions", TextArray), ("limit_count", T.Integer),
        ("limit_period", T.Text), ("stock", T.Integer), ("redeemed", T.Integer), ("budget_minor_units", T.Bigint), ("landing_url", T.Text),
        ("currency", T.Text), ("discount_basis_points", T.Integer), ("discount_fixed_minor_units", T.Bigint), ("generic_code", T.Text),
        ("cashback_rate_basis_points", T.Integer), ("cashback_fixed_minor_units", T.Bigint), ("cashback_min_purchase_minor_units", T.Bigint),
        ("cashback_cap_per_purchase_minor_units", T.Bigint), ("cashback_cap_per_member_per_year_minor_units", T.Bigint),
        ("cashback_return_window_days", T.Integer), ("cashback_plan_rates", T.Jsonb), ("refund_kind", T.Text),
        ("refund_cap_per_claim_minor_units", T.Bigint), ("refund_claims_per_year", T.Integer), ("refund_proof_required", T.Boolean),
        ("service_kind", T.Text), ("created_at", T.TimestampTz), ("updated_at", T.TimestampTz), ("live_since", T.TimestampTz),
        ("stock_low_alerted_at", T.TimestampTz), ("rejection_comment", T.Text));

    public CopyTable OfferHistory { get; } = Make("catalog.offer_history",
        ("offer_id", T.Uuid), ("at", T.TimestampTz), ("action", T.Text), ("from_status", T.Text), ("to_status", T.Text), ("actor", T.Text),
        ("comment", T.Text));

    public CopyTable Members { get; } = Make("members.members",
        ("id", T.Uuid), ("program_id", T.Uuid), ("member_number", T.Text), ("external_customer_number", T.Text), ("first_name", T.Text),
        ("last_name", T.Text), ("email", T.Text), ("street", T.Text), ("postal_code", T.Text), ("city", T.Text), ("country", T.Text),
        ("language", T.Text), ("consent_marketing", T.Boolean), ("consent_data_sharing", T.Boolean), ("consents_changed_at", T.TimestampTz),
        ("channel", T.Text), ("signed_up_at", T.TimestampTz), ("stripe_customer_id", T.Text), ("erased_at", T.TimestampTz));

    public CopyTable Memberships { get; } = Make("members.memberships",
        ("id", T.Uuid), ("program_id", T.Uuid), ("member_id", T.Uuid), ("plan_id", T.Uuid), ("status", T.Text), ("status_changed_at", T.TimestampTz),
        ("started_at", T.TimestampTz), ("trial_ends_at", T.TimestampTz), ("current_period_start", T.TimestampTz),
        ("current_period_end", T.TimestampTz), ("cancellation_reason_code", T.Text), ("cancellation_reason_text", T.Text),
        ("cancelled_at", T.TimestampTz), ("scheduled_plan_id", T.Uuid), ("past_due_since", T.TimestampTz), ("failed_attempts", T.Integer),
        ("paused_at", T.TimestampTz), ("ended_at", T.TimestampTz), ("end_kind", T.Text), ("billing_provider", T.Text),
        ("external_subscription_id", T.Text), ("provider_state_version", T.Bigint), ("simulate_payment_failure", T.Boolean));

    public CopyTable Transitions { get; } = Make("members.membership_transitions",
        ("program_id", T.Uuid), ("membership_id", T.Uuid), ("member_id", T.Uuid), ("from_status", T.Text), ("to_status", T.Text),
        ("plan_id", T.Uuid), ("plan_code", T.Text), ("at", T.TimestampTz), ("actor", T.Text), ("reason_code", T.Text), ("reason_text", T.Text));

    public CopyTable Fees { get; } = Make("members.fees",
        ("id", T.Uuid), ("program_id", T.Uuid), ("member_id", T.Uuid), ("membership_id", T.Uuid), ("plan_id", T.Uuid), ("kind", T.Text),
        ("amount_minor_units", T.Bigint), ("currency", T.Text), ("period_start", T.TimestampTz), ("period_end", T.TimestampTz),
        ("status", T.Text), ("provider", T.Text), ("provider_reference", T.Text), ("attempts", T.Integer), ("failure_reason", T.Text),
        ("created_at", T.TimestampTz), ("paid_at", T.TimestampTz), ("provider_state_version", T.Bigint));

    public CopyTable Redemptions { get; } = Make("catalog.redemptions",
        ("id", T.Uuid), ("program_id", T.Uuid), ("offer_id", T.Uuid), ("partner_id", T.Uuid), ("member_id", T.Uuid), ("kind", T.Text),
        ("created_at", T.TimestampTz), ("coupon_code", T.Text), ("click_id", T.Text), ("pass_short_code", T.Text),
        ("pass_expires_at", T.TimestampTz), ("verified_at", T.TimestampTz), ("verified_by", T.Text), ("amount_minor_units", T.Bigint),
        ("currency", T.Text));

    public CopyTable CouponCodes { get; } = Make("catalog.coupon_codes",
        ("offer_id", T.Uuid), ("code", T.Text), ("assigned_to", T.Uuid), ("assigned_at", T.TimestampTz), ("redemption_id", T.Uuid));

    public CopyTable LedgerBatches { get; } = Make("rewards.ledger_batches", ("id", T.Uuid), ("created_at", T.TimestampTz));

    public CopyTable Purchases { get; } = Make("rewards.purchases",
        ("id", T.Uuid), ("program_id", T.Uuid), ("partner_id", T.Uuid), ("order_reference", T.Text), ("member_id", T.Uuid), ("offer_id", T.Uuid),
        ("click_id", T.Text), ("amount_minor", T.Bigint), ("returned_minor", T.Bigint), ("currency", T.Text), ("purchased_at", T.TimestampTz),
        ("service_date", T.Date), ("window_ends_on", T.Date), ("cashback_original_minor", T.Bigint), ("cashback_minor", T.Bigint),
        ("partner_share_basis_points", T.Integer), ("partner_share_minor", T.Bigint), ("commission_original_minor", T.Bigint),
        ("commission_minor", T.Bigint), ("state", T.Text), ("decline_reason", T.Text), ("confirmed_at", T.TimestampTz),
        ("paid_at", T.TimestampTz), ("created_at", T.TimestampTz), ("created_by", T.Text));

    public CopyTable PurchaseReturns { get; } = Make("rewards.purchase_returns",
        ("id", T.Uuid), ("purchase_id", T.Uuid), ("program_id", T.Uuid), ("partner_id", T.Uuid), ("return_reference", T.Text),
        ("amount_minor", T.Bigint), ("cashback_reduction_minor", T.Bigint), ("state_before", T.Text), ("returned_at", T.TimestampTz),
        ("created_at", T.TimestampTz));

    public CopyTable RefundClaims { get; } = Make("rewards.refund_claims",
        ("id", T.Uuid), ("program_id", T.Uuid), ("member_id", T.Uuid), ("offer_id", T.Uuid), ("partner_id", T.Uuid), ("refund_kind", T.Text),
        ("requested_minor", T.Bigint), ("approved_minor", T.Bigint), ("currency", T.Text), ("trip_date", T.Date), ("trip_purchase_id", T.Uuid),
        ("status", T.Text), ("reason", T.Text), ("decided_automatically", T.Boolean), ("decided_by", T.Text), ("decided_at", T.TimestampTz),
        ("receipt_sha256", T.Text), ("created_at", T.TimestampTz));

    public CopyTable Journals { get; } = Make("rewards.journals",
        ("id", T.Uuid), ("program_id", T.Uuid), ("kind", T.Text), ("caused_by_type", T.Text), ("caused_by_id", T.Uuid),
        ("idempotency_key", T.Text), ("memo", T.Text), ("created_by", T.Text), ("created_at", T.TimestampTz), ("ledger_batch_id", T.Uuid));

    public CopyTable JournalEntries { get; } = Make("rewards.journal_entries",
        ("journal_id", T.Uuid), ("program_id", T.Uuid), ("account", T.Text), ("owner_id", T.Uuid), ("currency", T.Text), ("amount", T.Bigint),
        ("created_at", T.TimestampTz));

    public CopyTable MemberFees { get; } = Make("rewards.member_fees",
        ("fee_id", T.Uuid), ("program_id", T.Uuid), ("member_id", T.Uuid), ("amount_minor", T.Bigint), ("currency", T.Text),
        ("charged_at", T.TimestampTz));

    /// <summary>The tables that get the members' rows (all but the small catalog written first): the load window's tables.</summary>
    public IReadOnlyList<CopyTable> MemberTables =>
    [
        Members, Memberships, Transitions, Fees, Redemptions, CouponCodes, LedgerBatches, Purchases, PurchaseReturns, RefundClaims, Journals,
        JournalEntries, MemberFees,
    ];

    /// <summary>All tables in COPY order: referenced rows first (memberships → members, returns → purchases, entries → journals).</summary>
    public IReadOnlyList<CopyTable> InOrder =>
    [
        Partners, PartnerPrograms, Offers, OfferHistory, Members, Memberships, Transitions, Fees, Redemptions, CouponCodes,
        LedgerBatches, Purchases, PurchaseReturns, RefundClaims, Journals, JournalEntries, MemberFees,
    ];
}
