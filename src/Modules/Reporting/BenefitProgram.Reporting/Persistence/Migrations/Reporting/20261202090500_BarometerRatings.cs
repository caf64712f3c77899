using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Reporting.Persistence.Migrations.Reporting
{
    /// <summary>The barometer's performance level also counts members' offer ratings (catalog.offer_ratings); SQL only, like Snapshots.</summary>
    [DbContext(typeof(ReportingDbContext))]
    [Migration("20261202090500_BarometerRatings")]
    public partial class BarometerRatings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE reporting.monthly_barometer
                    ADD COLUMN ratings integer NOT NULL DEFAULT 0,
                    ADD COLUMN average_stars numeric(3,2);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE reporting.monthly_barometer DROP COLUMN ratings, DROP COLUMN average_stars;");
        }
    }
}
