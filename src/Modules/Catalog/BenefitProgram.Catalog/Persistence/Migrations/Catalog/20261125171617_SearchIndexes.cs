using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Catalog.Persistence.Migrations.Catalog
{
    /// <summary>
    /// Indexes of the member's offer search (Search/SearchOffers.cs; bench/README.md, "Search and redemption latency"):
    /// a browse without words reads its page along the live offers by newest first and stops after the page, and the
    /// member's used-up offers are found by member (the primary key starts with the offer). Raw SQL, outside the EF model
    /// (a partial index with a descending order), so the model snapshot does not change.
    /// </summary>
    public partial class SearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_offers_live_newest ON catalog.offers (program_id, live_since DESC NULLS LAST, id DESC) WHERE status = 'Live';
                CREATE INDEX ix_member_offer_usage_member_id ON catalog.member_offer_usage (member_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX catalog.ix_offers_live_newest;
                DROP INDEX catalog.ix_member_offer_usage_member_id;
                """);
        }
    }
}
