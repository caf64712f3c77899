using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BenefitProgram.Rewards.Persistence.Migrations.Rewards
{
    /// <summary>
    /// Replaces the per-row foreign key from entries to journals by the set-based statement check (see
    /// <see cref="LedgerEntryJournalSql"/>). SQL only: the EF model (and its snapshot) keep the relationship.
    /// </summary>
    [DbContext(typeof(RewardsDbContext))]
    [Migration("20261125150000_LedgerEntriesJournalCheck")]
    public partial class LedgerEntriesJournalCheck : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerEntryJournalSql.Up);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerEntryJournalSql.Down);
        }
    }
}
