using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Reporting.Persistence.Migrations.Reporting
{
    /// <summary>The program's refund cost per day (approved refund claims, rewards.refund_claims); SQL only, like Snapshots.</summary>
    [DbContext(typeof(ReportingDbContext))]
    [Migration("20261203090000_RefundCost")]
    public partial class RefundCost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE reporting.daily_refunds (
                    program_id uuid NOT NULL,
                    day date NOT NULL,
                    claims_approved integer NOT NULL,
                    approved_minor_units bigint NOT NULL,
                    currency char(3) NOT NULL,
                    computed_at timestamptz NOT NULL,
                    PRIMARY KEY (program_id, day));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE reporting.daily_refunds;");
        }
    }
}
