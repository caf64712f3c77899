using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BenefitProgram.Catalog.Persistence.Migrations.Catalog
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "catalog");

            migrationBuilder.CreateTable(
                name: "coupon_codes",
                schema: "catalog",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    assigned_to = table.Column<Guid>(type: "uuid", nullable: true),
                    assigned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    redemption_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_codes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "inbox_messages",
                schema: "catalog",
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
                name: "member_offer_usage",
                schema: "catalog",
                columns: table => new
                {
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    period_key = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    used = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_member_offer_usage", x => new { x.offer_id, x.member_id, x.period_key });
                });

            migrationBuilder.CreateTable(
                name: "offers",
                schema: "catalog",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    partner_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    category = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    title_de = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    title_en = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    description_de = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    description_en = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    terms_de = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    terms_en = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    image_urls = table.Column<List<string>>(type: "text[]", nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    eligible_plans = table.Column<List<string>>(type: "text[]", nullable: false),
                    eligible_regions = table.Column<List<string>>(type: "text[]", nullable: false),
                    limit_count = table.Column<int>(type: "integer", nullable: true),
                    limit_period = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    stock = table.Column<int>(type: "integer", nullable: true),
                    redeemed = table.Column<int>(type: "integer", nullable: false),
                    budget_minor_units = table.Column<long>(type: "bigint", nullable: true),
                    landing_url = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    discount_basis_points = table.Column<int>(type: "integer", nullable: true),
                    discount_fixed_minor_units = table.Column<long>(type: "bigint", nullable: true),
                    generic_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    cashback_rate_basis_points = table.Column<int>(type: "integer", nullable: true),
                    cashback_fixed_minor_units = table.Column<long>(type: "bigint", nullable: true),
                    cashback_min_purchase_minor_units = table.Column<long>(type: "bigint", nullable: true),
                    cashback_cap_per_purchase_minor_units = table.Column<long>(type: "bigint", nullable: true),
                    cashback_cap_per_member_per_year_minor_units = table.Column<long>(type: "bigint", nullable: true),
                    cashback_return_window_days = table.Column<int>(type: "integer", nullable: true),
                    cashback_plan_rates = table.Column<string>(type: "jsonb", maxLength: 1000, nullable: true),
                    refund_kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    refund_cap_per_claim_minor_units = table.Column<long>(type: "bigint", nullable: true),
                    refund_claims_per_year = table.Column<int>(type: "integer", nullable: true),
                    refund_proof_required = table.Column<bool>(type: "boolean", nullable: true),
                    service_kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    live_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stock_low_alerted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    rejection_comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_offers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                schema: "catalog",
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
                name: "partners",
                schema: "catalog",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    logo_url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    regions = table.Column<List<string>>(type: "text[]", nullable: false),
                    cooperation_model = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    commission_rate_basis_points = table.Column<int>(type: "integer", nullable: false),
                    fee_per_redemption_minor_units = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    cashback_funding = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    partner_share_basis_points = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partners", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "redemptions",
                schema: "catalog",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    coupon_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    click_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    pass_short_code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    pass_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    verified_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    amount_minor_units = table.Column<long>(type: "bigint", nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_redemptions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "offer_history",
                schema: "catalog",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    from_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    to_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_offer_history", x => x.id);
                    table.ForeignKey(
                        name: "fk_offer_history_offers_offer_id",
                        column: x => x.offer_id,
                        principalSchema: "catalog",
                        principalTable: "offers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "offer_revisions",
                schema: "catalog",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    content = table.Column<string>(type: "jsonb", maxLength: 1000, nullable: false),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_offer_revisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_offer_revisions_offers_offer_id",
                        column: x => x.offer_id,
                        principalSchema: "catalog",
                        principalTable: "offers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "partner_programs",
                schema: "catalog",
                columns: table => new
                {
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    joined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partner_programs", x => new { x.partner_id, x.program_id });
                    table.ForeignKey(
                        name: "fk_partner_programs_partners_partner_id",
                        column: x => x.partner_id,
                        principalSchema: "catalog",
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_coupon_codes_free",
                schema: "catalog",
                table: "coupon_codes",
                columns: new[] { "offer_id", "id" },
                filter: "assigned_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_coupon_codes_offer_id_code",
                schema: "catalog",
                table: "coupon_codes",
                columns: new[] { "offer_id", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_offer_history_offer_id",
                schema: "catalog",
                table: "offer_history",
                column: "offer_id");

            migrationBuilder.CreateIndex(
                name: "ix_offer_revisions_offer_id_number",
                schema: "catalog",
                table: "offer_revisions",
                columns: new[] { "offer_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_offers_partner_id_status",
                schema: "catalog",
                table: "offers",
                columns: new[] { "partner_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_offers_program_id_status",
                schema: "catalog",
                table: "offers",
                columns: new[] { "program_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_pending",
                schema: "catalog",
                table: "outbox_messages",
                column: "sequence",
                filter: "dispatched_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_partner_programs_program_id",
                schema: "catalog",
                table: "partner_programs",
                column: "program_id");

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_click_id",
                schema: "catalog",
                table: "redemptions",
                column: "click_id",
                unique: true,
                filter: "click_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_member_id_created_at",
                schema: "catalog",
                table: "redemptions",
                columns: new[] { "member_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_offer_id",
                schema: "catalog",
                table: "redemptions",
                column: "offer_id");

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_partner_id_created_at",
                schema: "catalog",
                table: "redemptions",
                columns: new[] { "partner_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_pass_short_code",
                schema: "catalog",
                table: "redemptions",
                column: "pass_short_code",
                unique: true,
                filter: "pass_short_code IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_program_id_created_at",
                schema: "catalog",
                table: "redemptions",
                columns: new[] { "program_id", "created_at" });
        
            // Full-text search: German and English stems of title (A), partner name (A, 'simple') and description (B).
            migrationBuilder.Sql("""
                ALTER TABLE catalog.offers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('german'::regconfig, coalesce(title_de, '')), 'A') ||
                    setweight(to_tsvector('english'::regconfig, coalesce(title_en, '')), 'A') ||
                    setweight(to_tsvector('simple'::regconfig, coalesce(partner_name, '')), 'A') ||
                    setweight(to_tsvector('german'::regconfig, coalesce(description_de, '')), 'B') ||
                    setweight(to_tsvector('english'::regconfig, coalesce(description_en, '')), 'B')
                ) STORED;
                CREATE INDEX ix_offers_search_vector ON catalog.offers USING GIN (search_vector);
                CREATE INDEX ix_offers_live ON catalog.offers (program_id, valid_from) WHERE status = 'Live';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "coupon_codes",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "inbox_messages",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "member_offer_usage",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "offer_history",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "offer_revisions",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "outbox_messages",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "partner_programs",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "redemptions",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "offers",
                schema: "catalog");

            migrationBuilder.DropTable(
                name: "partners",
                schema: "catalog");
        }
    }
}
