using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Members.Persistence.Migrations.Members
{
    /// <inheritdoc />
    public partial class FeesByMembership : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_fees_membership_id_status_period_start",
                schema: "members",
                table: "fees",
                columns: new[] { "membership_id", "status", "period_start" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_fees_membership_id_status_period_start",
                schema: "members",
                table: "fees");
        }
    }
}
