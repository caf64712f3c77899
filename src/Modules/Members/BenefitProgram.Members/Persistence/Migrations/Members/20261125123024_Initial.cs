using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BenefitProgram.Members.Persistence.Migrations.Members
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "members");

            migrationBuilder.CreateSequence(
                name: "member_numbers",
                schema: "members",
                startValue: 100001L);

            migrationBuilder.CreateTable(
                name: "fees",
                schema: "members",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    membership_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    amount_minor_units = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    failure_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    paid_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    provider_state_version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fees", x => x.id);
                    table.CheckConstraint("ck_fees_amount_not_negative", "amount_minor_units >= 0");
                });

            migrationBuilder.CreateTable(
                name: "inbox_messages",
                schema: "members",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consumer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_messages", x => new { x.message_id, x.consumer });
                });

            migrationBuilder.CreateTable(
                name: "members",
                schema: "members",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValueSql: "'M' || lpad(nextval('members.member_numbers')::text, 8, '0')"),
                    external_customer_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    first_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    last_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    street = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    postal_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    language = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    consent_marketing = table.Column<bool>(type: "boolean", nullable: false),
                    consent_data_sharing = table.Column<bool>(type: "boolean", nullable: false),
                    consents_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    signed_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    erased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_members", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "membership_transitions",
                schema: "members",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    membership_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    to_status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    reason_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reason_text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_membership_transitions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "operator_audit_log",
                schema: "members",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    action = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    detail = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operator_audit_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                schema: "members",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    type = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    payload = table.Column<string>(type: "jsonb", maxLength: 1000, nullable: false),
                    dispatched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "plans",
                schema: "members",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    price_minor_units = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    interval = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    trial_days = table.Column<int>(type: "integer", nullable: false),
                    offer_categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    benefit_kinds = table.Column<List<string>>(type: "text[]", nullable: false),
                    cashback_multiplier_percent = table.Column<int>(type: "integer", nullable: false),
                    refund_caps = table.Column<string>(type: "jsonb", nullable: false),
                    sort_order = table.Column<int>(type: "integer", nullable: false),
                    is_current = table.Column<bool>(type: "boolean", nullable: false),
                    stripe_price_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    retired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plans", x => x.id);
                    table.CheckConstraint("ck_plans_price_not_negative", "price_minor_units >= 0");
                });

            migrationBuilder.CreateTable(
                name: "stripe_events",
                schema: "members",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    stripe_created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    object_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    outcome = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stripe_events", x => x.event_id);
                });

            migrationBuilder.CreateTable(
                name: "memberships",
                schema: "members",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    status_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    trial_ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    current_period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    current_period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancellation_reason_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    cancellation_reason_text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    scheduled_plan_id = table.Column<Guid>(type: "uuid", nullable: true),
                    past_due_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failed_attempts = table.Column<int>(type: "integer", nullable: false),
                    paused_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    end_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    billing_provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    external_subscription_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    provider_state_version = table.Column<long>(type: "bigint", nullable: false),
                    simulate_payment_failure = table.Column<bool>(type: "boolean", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memberships", x => x.id);
                    table.ForeignKey(
                        name: "fk_memberships_members_member_id",
                        column: x => x.member_id,
                        principalSchema: "members",
                        principalTable: "members",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_memberships_plans_plan_id",
                        column: x => x.plan_id,
                        principalSchema: "members",
                        principalTable: "plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_memberships_plans_scheduled_plan_id",
                        column: x => x.scheduled_plan_id,
                        principalSchema: "members",
                        principalTable: "plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_fees_member_id_period_start",
                schema: "members",
                table: "fees",
                columns: new[] { "member_id", "period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_fees_program_id_created_at",
                schema: "members",
                table: "fees",
                columns: new[] { "program_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fees_provider_provider_reference",
                schema: "members",
                table: "fees",
                columns: new[] { "provider", "provider_reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_members_program_id_email",
                schema: "members",
                table: "members",
                columns: new[] { "program_id", "email" },
                unique: true,
                filter: "email IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_members_program_id_external_customer_number",
                schema: "members",
                table: "members",
                columns: new[] { "program_id", "external_customer_number" },
                unique: true,
                filter: "external_customer_number IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_members_program_id_last_name",
                schema: "members",
                table: "members",
                columns: new[] { "program_id", "last_name" });

            migrationBuilder.CreateIndex(
                name: "ix_members_program_id_member_number",
                schema: "members",
                table: "members",
                columns: new[] { "program_id", "member_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_membership_transitions_membership_id_at",
                schema: "members",
                table: "membership_transitions",
                columns: new[] { "membership_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_membership_transitions_program_id_at",
                schema: "members",
                table: "membership_transitions",
                columns: new[] { "program_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_memberships_external_subscription_id",
                schema: "members",
                table: "memberships",
                column: "external_subscription_id",
                unique: true,
                filter: "external_subscription_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_memberships_member_id",
                schema: "members",
                table: "memberships",
                column: "member_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_memberships_plan_id",
                schema: "members",
                table: "memberships",
                column: "plan_id");

            migrationBuilder.CreateIndex(
                name: "ix_memberships_program_id_status",
                schema: "members",
                table: "memberships",
                columns: new[] { "program_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_memberships_scheduled_plan_id",
                schema: "members",
                table: "memberships",
                column: "scheduled_plan_id");

            migrationBuilder.CreateIndex(
                name: "ix_memberships_status_current_period_end",
                schema: "members",
                table: "memberships",
                columns: new[] { "status", "current_period_end" });

            migrationBuilder.CreateIndex(
                name: "ix_operator_audit_log_program_id_member_id_at",
                schema: "members",
                table: "operator_audit_log",
                columns: new[] { "program_id", "member_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_pending",
                schema: "members",
                table: "outbox_messages",
                column: "sequence",
                filter: "dispatched_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_plans_program_id_code_version",
                schema: "members",
                table: "plans",
                columns: new[] { "program_id", "code", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_plans_current_code",
                schema: "members",
                table: "plans",
                columns: new[] { "program_id", "code" },
                unique: true,
                filter: "is_current");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fees",
                schema: "members");

            migrationBuilder.DropTable(
                name: "inbox_messages",
                schema: "members");

            migrationBuilder.DropTable(
                name: "membership_transitions",
                schema: "members");

            migrationBuilder.DropTable(
                name: "memberships",
                schema: "members");

            migrationBuilder.DropTable(
                name: "operator_audit_log",
                schema: "members");

            migrationBuilder.DropTable(
                name: "outbox_messages",
                schema: "members");

            migrationBuilder.DropTable(
                name: "stripe_events",
                schema: "members");

            migrationBuilder.DropTable(
                name: "members",
                schema: "members");

            migrationBuilder.DropTable(
                name: "plans",
                schema: "members");

            migrationBuilder.DropSequence(
                name: "member_numbers",
                schema: "members");
        }
    }
}
