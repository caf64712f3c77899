using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Platform.Persistence.Migrations.Platform
{
    /// <inheritdoc />
    public partial class JobRunsPerTimeZone : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_job_runs",
                schema: "platform",
                table: "job_runs");

            migrationBuilder.AddColumn<string>(
                name: "zone",
                schema: "platform",
                table: "job_runs",
                type: "character varying(60)",
                maxLength: 60,
                nullable: false,
                defaultValue: "Europe/Berlin");

            // Runs recorded before nights were per time zone ran in Jobs:TimeZone (Europe/Berlin in every deployment so far);
            // new rows always name their zone (docs/adr/0019-nights-per-time-zone.md).
            migrationBuilder.Sql("ALTER TABLE platform.job_runs ALTER COLUMN zone DROP DEFAULT");

            migrationBuilder.AddPrimaryKey(
                name: "pk_job_runs",
                schema: "platform",
                table: "job_runs",
                columns: new[] { "job", "period", "zone" });

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_zone_period",
                schema: "platform",
                table: "job_runs",
                columns: new[] { "zone", "period" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_job_runs",
                schema: "platform",
                table: "job_runs");

            migrationBuilder.DropIndex(
                name: "ix_job_runs_zone_period",
                schema: "platform",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "zone",
                schema: "platform",
                table: "job_runs");

            migrationBuilder.AddPrimaryKey(
                name: "pk_job_runs",
                schema: "platform",
                table: "job_runs",
                columns: new[] { "job", "period" });
        }
    }
}
