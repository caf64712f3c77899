using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Reporting.Persistence.Migrations.Reporting
{
    /// <summary>
    /// Snapshot tables of the nightly reporting steps (docs/adr/0014-reporting-snapshots.md). They are written only with
    /// set-based SQL (INSERT ... SELECT ... ON CONFLICT DO NOTHING) and never through the EF model, so the model snapshot
    /// does not change; every table has the unique key (program, period[, dimension]) that makes a second run a no-op.
    /// </summary>
    [DbContext(typeof(ReportingDbContext))]
    [Migration("20261201090000_Snapshots")]
    public partial class Snapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE reporting.daily_kpis (
                    program_id uuid NOT NULL,
                    day date NOT NULL,
                    members bigint NOT NULL,
                    paying_members bigint NOT NULL,
                    trialing_members bigint NOT NULL,
                    members_tenure_lt_12m bigint NOT NULL,
                    new_members bigint NOT NULL,
                    reactivated_members bigint NOT NULL,
                    cancellations_requested bigint NOT NULL,
                    churned_voluntary bigint NOT NULL,
                    churned_involuntary bigint NOT NULL,
                    churned_tenure_lt_12m bigint NOT NULL,
                    mrr_minor_units bigint NOT NULL,
                    fee_revenue_minor_units bigint NOT NULL,
                    redemptions bigint NOT NULL,
                    currency character(3) NOT NULL,
                    computed_at timestamptz NOT NULL,
                    CONSTRAINT pk_daily_kpis PRIMARY KEY (program_id, day));

                CREATE TABLE reporting.daily_members_by_plan (
                    program_id uuid NOT NULL,
                    day date NOT NULL,
                    plan_code character varying(40) NOT NULL,
                    status character varying(30) NOT NULL,
                    members bigint NOT NULL,
                    mrr_minor_units bigint NOT NULL,
                    CONSTRAINT pk_daily_members_by_plan PRIMARY KEY (program_id, day, plan_code, status));

                CREATE TABLE reporting.daily_churn_reasons (
                    program_id uuid NOT NULL,
                    day date NOT NULL,
                    event character varying(30) NOT NULL,
                    reason_code character varying(40) NOT NULL,
                    members bigint NOT NULL,
                    CONSTRAINT pk_daily_churn_reasons PRIMARY KEY (program_id, day, event, reason_code));

                CREATE TABLE reporting.daily_partner (
                    program_id uuid NOT NULL,
                    day date NOT NULL,
                    partner_id uuid NOT NULL,
                    redemptions bigint NOT NULL,
                    verified_passes bigint NOT NULL,
                    pass_revenue_minor_units bigint NOT NULL,
                    redemption_fees_minor_units bigint NOT NULL,
                    commission_on_passes_minor_units bigint NOT NULL,
                    currency character varying(3) NOT NULL,
                    CONSTRAINT pk_daily_partner PRIMARY KEY (program_id, day, partner_id));

                CREATE TABLE reporting.daily_partner_rewards (
                    program_id uuid NOT NULL,
                    day date NOT NULL,
                    partner_id uuid NOT NULL,
                    purchases bigint NOT NULL,
                    purchase_revenue_minor_units bigint NOT NULL,
                    commission_on_purchases_minor_units bigint NOT NULL,
                    cashback_minor_units bigint NOT NULL,
                    cashback_partner_funded_minor_units bigint NOT NULL,
                    CONSTRAINT pk_daily_partner_rewards PRIMARY KEY (program_id, day, partner_id));

                CREATE TABLE reporting.daily_offers (
                    program_id uuid NOT NULL,
                    day date NOT NULL,
                    offer_id uuid NOT NULL,
                    partner_id uuid NOT NULL,
                    redemptions bigint NOT NULL,
                    CONSTRAINT pk_daily_offers PRIMARY KEY (program_id, day, offer_id));

                CREATE TABLE reporting.monthly_churn (
                    program_id uuid NOT NULL,
                    month date NOT NULL,
                    segment character varying(30) NOT NULL,
                    active_at_start bigint NOT NULL,
                    churned bigint NOT NULL,
                    churned_voluntary bigint NOT NULL,
                    churned_involuntary bigint NOT NULL,
                    CONSTRAINT pk_monthly_churn PRIMARY KEY (program_id, month, segment));

                CREATE TABLE reporting.monthly_cohorts (
                    program_id uuid NOT NULL,
                    month date NOT NULL,
                    cohort_month date NOT NULL,
                    joined bigint NOT NULL,
                    active bigint NOT NULL,
                    CONSTRAINT pk_monthly_cohorts PRIMARY KEY (program_id, month, cohort_month));

                CREATE TABLE reporting.monthly_mrr_movements (
                    program_id uuid NOT NULL,
                    month date NOT NULL,
                    movement character varying(20) NOT NULL,
                    members bigint NOT NULL,
                    mrr_minor_units bigint NOT NULL,
                    CONSTRAINT pk_monthly_mrr_movements PRIMARY KEY (program_id, month, movement));

                CREATE TABLE reporting.monthly_tenure (
                    program_id uuid NOT NULL,
                    month date NOT NULL,
                    "group" character varying(30) NOT NULL,
                    days integer NOT NULL,
                    churned boolean NOT NULL,
                    members bigint NOT NULL,
                    CONSTRAINT pk_monthly_tenure PRIMARY KEY (program_id, month, "group", days, churned));

                CREATE TABLE reporting.partner_statements (
                    partner_id uuid NOT NULL,
                    program_id uuid NOT NULL,
                    month date NOT NULL,
                    partner_name character varying(200) NOT NULL,
                    currency character varying(3) NOT NULL,
                    redemptions bigint NOT NULL,
                    fee_per_redemption_minor_units bigint NOT NULL,
                    redemption_fees_minor_units bigint NOT NULL,
                    pass_revenue_minor_units bigint NOT NULL,
                    purchases bigint NOT NULL,
                    purchase_revenue_minor_units bigint NOT NULL,
                    referred_revenue_minor_units bigint NOT NULL,
                    commission_rate_basis_points integer NOT NULL,
                    commission_minor_units bigint NOT NULL,
                    cashback_minor_units bigint NOT NULL,
                    cashback_partner_funded_minor_units bigint NOT NULL,
                    net_owed_minor_units bigint NOT NULL,
                    rewards_included boolean NOT NULL,
                    created_at timestamptz NOT NULL,
                    CONSTRAINT pk_partner_statements PRIMARY KEY (partner_id, program_id, month));

                CREATE TABLE reporting.customer_baseline (
                    program_id uuid NOT NULL,
                    month date NOT NULL,
                    total_customers bigint NOT NULL,
                    total_cancellations bigint NOT NULL,
                    non_member_customers bigint NOT NULL,
                    non_member_cancellations bigint NOT NULL,
                    new_customers bigint NOT NULL,
                    new_customer_cancellations bigint NOT NULL,
                    imported_at timestamptz NOT NULL,
                    imported_by character varying(100) NOT NULL,
                    CONSTRAINT pk_customer_baseline PRIMARY KEY (program_id, month));

                CREATE TABLE reporting.barometer_assessments (
                    id bigint GENERATED ALWAYS AS IDENTITY,
                    program_id uuid NOT NULL,
                    partner_id uuid NOT NULL,
                    assessed_at timestamptz NOT NULL,
                    actor character varying(100) NOT NULL,
                    answers jsonb NOT NULL,
                    structure_level integer NOT NULL,
                    social_level integer NOT NULL,
                    comment character varying(1000),
                    CONSTRAINT pk_barometer_assessments PRIMARY KEY (id));
                CREATE INDEX ix_barometer_assessments ON reporting.barometer_assessments (program_id, partner_id, assessed_at);

                CREATE TABLE reporting.monthly_barometer (
                    program_id uuid NOT NULL,
                    partner_id uuid NOT NULL,
                    month date NOT NULL,
                    redemptions bigint NOT NULL,
                    referred_revenue_minor_units bigint NOT NULL,
                    redemptions_previous_month bigint NOT NULL,
                    redemptions_per_1000_members numeric(12,2) NOT NULL,
                    performance_level integer NOT NULL,
                    structure_level integer,
                    social_level integer,
                    maturity_level integer,
                    CONSTRAINT pk_monthly_barometer PRIMARY KEY (program_id, partner_id, month));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE reporting.daily_kpis, reporting.daily_members_by_plan, reporting.daily_churn_reasons, reporting.daily_partner,
                    reporting.daily_partner_rewards, reporting.daily_offers, reporting.monthly_churn, reporting.monthly_cohorts,
                    reporting.monthly_mrr_movements, reporting.monthly_tenure, reporting.partner_statements, reporting.customer_baseline,
                    reporting.barometer_assessments, reporting.monthly_barometer;
                """);
        }
    }
}
