using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BenefitProgram.Rewards.Persistence.Migrations.Rewards
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "rewards");

            migrationBuilder.CreateTable(
                name: "inbox_messages",
                schema: "rewards",
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
                name: "journals",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    caused_by_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    caused_by_id = table.Column<Guid>(type: "uuid", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    memo = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_journals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "key_tags",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    label = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_key_tags", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "member_fees",
                schema: "rewards",
                columns: table => new
                {
                    fee_id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "char(3)", maxLength: 1000, nullable: false),
                    charged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_member_fees", x => x.fee_id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                schema: "rewards",
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
                name: "payout_batches",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    period_key = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    currency = table.Column<string>(type: "char(3)", maxLength: 1000, nullable: false),
                    threshold_minor = table.Column<long>(type: "bigint", nullable: false),
                    line_count = table.Column<int>(type: "integer", nullable: false),
                    total_minor = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_batches", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "purchases",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    click_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    returned_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "char(3)", maxLength: 1000, nullable: false),
                    purchased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    service_date = table.Column<DateOnly>(type: "date", nullable: true),
                    window_ends_on = table.Column<DateOnly>(type: "date", nullable: false),
                    cashback_original_minor = table.Column<long>(type: "bigint", nullable: false),
                    cashback_minor = table.Column<long>(type: "bigint", nullable: false),
                    partner_share_basis_points = table.Column<int>(type: "integer", nullable: false),
                    partner_share_minor = table.Column<long>(type: "bigint", nullable: false),
                    commission_original_minor = table.Column<long>(type: "bigint", nullable: false),
                    commission_minor = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    decline_reason = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    paid_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchases", x => x.id);
                    table.CheckConstraint("ck_purchases_amount", "amount_minor > 0 AND returned_minor >= 0 AND returned_minor <= amount_minor");
                    table.CheckConstraint("ck_purchases_cashback", "cashback_minor >= 0 AND cashback_minor <= cashback_original_minor");
                });

            migrationBuilder.CreateTable(
                name: "refund_claims",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    refund_kind = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    requested_minor = table.Column<long>(type: "bigint", nullable: false),
                    approved_minor = table.Column<long>(type: "bigint", nullable: true),
                    currency = table.Column<string>(type: "char(3)", maxLength: 1000, nullable: false),
                    trip_date = table.Column<DateOnly>(type: "date", nullable: false),
                    trip_purchase_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    decided_automatically = table.Column<bool>(type: "boolean", nullable: false),
                    decided_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    receipt_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_refund_claims", x => x.id);
                    table.CheckConstraint("ck_refund_claims_amount", "requested_minor > 0 AND (approved_minor IS NULL OR (approved_minor >= 0 AND approved_minor <= requested_minor))");
                });

            migrationBuilder.CreateTable(
                name: "journal_entries",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    journal_id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "char(3)", maxLength: 1000, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_journal_entries", x => x.id);
                    table.CheckConstraint("ck_journal_entries_amount_not_zero", "amount <> 0");
                    table.ForeignKey(
                        name: "fk_journal_entries_journals_journal_id",
                        column: x => x.journal_id,
                        principalSchema: "rewards",
                        principalTable: "journals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "key_tag_found_reports",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key_tag_id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    finder_contact = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_key_tag_found_reports", x => x.id);
                    table.ForeignKey(
                        name: "fk_key_tag_found_reports_key_tags_key_tag_id",
                        column: x => x.key_tag_id,
                        principalSchema: "rewards",
                        principalTable: "key_tags",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payout_lines",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    batch_id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "char(3)", maxLength: 1000, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    failure_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_lines", x => x.id);
                    table.CheckConstraint("ck_payout_lines_amount", "amount_minor > 0");
                    table.ForeignKey(
                        name: "fk_payout_lines_payout_batches_batch_id",
                        column: x => x.batch_id,
                        principalSchema: "rewards",
                        principalTable: "payout_batches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "purchase_returns",
                schema: "rewards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    purchase_id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    return_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    cashback_reduction_minor = table.Column<long>(type: "bigint", nullable: false),
                    state_before = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    returned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchase_returns", x => x.id);
                    table.CheckConstraint("ck_purchase_returns_amount", "amount_minor > 0");
                    table.ForeignKey(
                        name: "fk_purchase_returns_purchases_purchase_id",
                        column: x => x.purchase_id,
                        principalSchema: "rewards",
                        principalTable: "purchases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "claim_receipts",
                schema: "rewards",
                columns: table => new
                {
                    claim_id = table.Column<Guid>(type: "uuid", nullable: false),
                    content_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_claim_receipts", x => x.claim_id);
                    table.ForeignKey(
                        name: "fk_claim_receipts_refund_claims_claim_id",
                        column: x => x.claim_id,
                        principalSchema: "rewards",
                        principalTable: "refund_claims",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_journal_entries_journal_id",
                schema: "rewards",
                table: "journal_entries",
                column: "journal_id");

            migrationBuilder.CreateIndex(
                name: "ix_journal_entries_program_id_owner_id_account_currency",
                schema: "rewards",
                table: "journal_entries",
                columns: new[] { "program_id", "owner_id", "account", "currency" });

            migrationBuilder.CreateIndex(
                name: "ix_journals_caused_by_type_caused_by_id",
                schema: "rewards",
                table: "journals",
                columns: new[] { "caused_by_type", "caused_by_id" });

            migrationBuilder.CreateIndex(
                name: "ix_journals_idempotency_key",
                schema: "rewards",
                table: "journals",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_key_tag_found_reports_key_tag_id",
                schema: "rewards",
                table: "key_tag_found_reports",
                column: "key_tag_id");

            migrationBuilder.CreateIndex(
                name: "ix_key_tag_found_reports_program_id_member_id",
                schema: "rewards",
                table: "key_tag_found_reports",
                columns: new[] { "program_id", "member_id" });

            migrationBuilder.CreateIndex(
                name: "ix_key_tags_code",
                schema: "rewards",
                table: "key_tags",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_key_tags_program_id_member_id",
                schema: "rewards",
                table: "key_tags",
                columns: new[] { "program_id", "member_id" });

            migrationBuilder.CreateIndex(
                name: "ix_member_fees_program_id_member_id",
                schema: "rewards",
                table: "member_fees",
                columns: new[] { "program_id", "member_id" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_pending",
                schema: "rewards",
                table: "outbox_messages",
                column: "sequence",
                filter: "dispatched_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_payout_batches_program_id_period_key_currency",
                schema: "rewards",
                table: "payout_batches",
                columns: new[] { "program_id", "period_key", "currency" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payout_lines_batch_id_member_id",
                schema: "rewards",
                table: "payout_lines",
                columns: new[] { "batch_id", "member_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payout_lines_program_id_member_id",
                schema: "rewards",
                table: "payout_lines",
                columns: new[] { "program_id", "member_id" });

            migrationBuilder.CreateIndex(
                name: "ix_purchase_returns_purchase_id_return_reference",
                schema: "rewards",
                table: "purchase_returns",
                columns: new[] { "purchase_id", "return_reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_purchases_partner_id_order_reference",
                schema: "rewards",
                table: "purchases",
                columns: new[] { "partner_id", "order_reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_purchases_program_id_member_id_offer_id",
                schema: "rewards",
                table: "purchases",
                columns: new[] { "program_id", "member_id", "offer_id" });

            migrationBuilder.CreateIndex(
                name: "ix_purchases_state_window_ends_on",
                schema: "rewards",
                table: "purchases",
                columns: new[] { "state", "window_ends_on" },
                filter: "state = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_refund_claims_program_id_member_id_receipt_sha256",
                schema: "rewards",
                table: "refund_claims",
                columns: new[] { "program_id", "member_id", "receipt_sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_refund_claims_program_id_status",
                schema: "rewards",
                table: "refund_claims",
                columns: new[] { "program_id", "status" });
            migrationBuilder.Sql(LedgerSql.Up);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerSql.Down);

            migrationBuilder.DropTable(
                name: "claim_receipts",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "inbox_messages",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "journal_entries",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "key_tag_found_reports",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "member_fees",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "outbox_messages",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "payout_lines",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "purchase_returns",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "refund_claims",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "journals",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "key_tags",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "payout_batches",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "purchases",
                schema: "rewards");
        }
    }
}
