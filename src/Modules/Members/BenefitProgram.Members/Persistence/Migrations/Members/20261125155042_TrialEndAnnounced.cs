using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Members.Persistence.Migrations.Members
{
    /// <inheritdoc />
    public partial class TrialEndAnnounced : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "trial_end_announced_for",
                schema: "members",
                table: "memberships",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "trial_end_announced_for",
                schema: "members",
                table: "memberships");
        }
    }
}
