using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Rewards.Persistence.Migrations.Rewards
{
    /// <summary>Set-based balance check at commit for bulk ledger writes (see <see cref="LedgerBatchSql"/>). SQL only: the EF model does not change.</summary>
    [DbContext(typeof(RewardsDbContext))]
    [Migration("20261125133000_LedgerBatchCheck")]
    public partial class LedgerBatchCheck : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerBatchSql.Up);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerBatchSql.Down);
        }
    }
}
