using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Catalog.Persistence.Migrations.Catalog
{
    /// <summary>
    /// Members' offer ratings (Ratings/OfferRatings.cs). Written and read with plain SQL, not through the EF model, so the
    /// model snapshot does not change. One rating per member and offer; stars 1-5 checked by the database too.
    /// </summary>
    [DbContext(typeof(CatalogDbContext))]
    [Migration("20261202090000_Ratings")]
    public partial class Ratings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE catalog.offer_ratings (
                    offer_id uuid NOT NULL,
                    member_id uuid NOT NULL,
                    program_id uuid NOT NULL,
                    partner_id uuid NOT NULL,
                    stars smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
                    rated_at timestamptz NOT NULL,
                    CONSTRAINT pk_offer_ratings PRIMARY KEY (offer_id, member_id));
                CREATE INDEX ix_offer_ratings_partner ON catalog.offer_ratings (program_id, partner_id, rated_at);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE catalog.offer_ratings;");
        }
    }
}
