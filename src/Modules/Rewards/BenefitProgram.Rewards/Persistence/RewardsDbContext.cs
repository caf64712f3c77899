using BenefitProgram.Common.Persistence;
using BenefitProgram.Rewards.Claims;
using BenefitProgram.Rewards.KeyFinder;
using BenefitProgram.Rewards.Ledger;
using BenefitProgram.Rewards.Payouts;
using BenefitProgram.Rewards.Purchases;
using BenefitProgram.Rewards.Statements;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Rewards.Persistence;

internal sealed class RewardsDbContext(DbContextOptions<RewardsDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "rewards";

    public override string Schema => SchemaName;

    public DbSet<Journal> Journals => Set<Journal>();
    public DbSet<JournalEntry> JournalEntries => Set<JournalEntry>();
    public DbSet<Purchase> Purchases => Set<Purchase>();
    public DbSet<PurchaseReturn> PurchaseReturns => Set<PurchaseReturn>();
    public DbSet<PayoutBatch> PayoutBatches => Set<PayoutBatch>();
    public DbSet<PayoutLine> PayoutLines => Set<PayoutLine>();
    public DbSet<RefundClaim> Claims => Set<RefundClaim>();
    public DbSet<ClaimReceipt> ClaimReceipts => Set<ClaimReceipt>();
    public DbSet<KeyTag> KeyTags => Set<KeyTag>();
    public DbSet<KeyTagFoundReport> KeyTagFoundReports => Set<KeyTagFoundReport>();
    public DbSet<MemberFee> MemberFees => Set<MemberFee>();

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Journal>(e =>
        {
            e.ToTable("journals");
            e.HasKey(j => j.Id);
            e.Property(j => j.Kind).HasMaxLength(40);
            e.Property(j => j.CausedByType).HasMaxLength(40);
            e.Property(j => j.IdempotencyKey).HasMaxLength(200);
            e.Property(j => j.Memo).HasMaxLength(500);
            e.Property(j => j.CreatedBy).HasMaxLength(200);
            e.HasIndex(j => j.IdempotencyKey).IsUnique();
            e.HasIndex(j => new { j.CausedByType, j.CausedById });
            e.HasMany(j => j.Entries).WithOne().HasForeignKey(x => x.JournalId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<JournalEntry>(e =>
        {
            e.ToTable("journal_entries", t => t.HasCheckConstraint("ck_journal_entries_amount_not_zero", "amount <> 0"));
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Account).HasMaxLength(40);
            e.Property(x => x.Currency).HasColumnType("char(3)");
            e.HasIndex(x => x.JournalId);
            e.HasIndex(x => new { x.ProgramId, x.OwnerId, x.Account, x.Currency });
        });
        modelBuilder.Entity<Purchase>(e =>
        {
            e.ToTable("purchases", t =>
            {
                t.HasCheckConstraint("ck_purchases_amount", "amount_minor > 0 AND returned_minor >= 0 AND returned_minor <= amount_minor");
                t.HasCheckConstraint("ck_purchases_cashback", "cashback_minor >= 0 AND cashback_minor <= cashback_original_minor");
            });
            e.HasKey(p => p.Id);
            e.HasIndex(p => new { p.PartnerId, p.OrderReference }).IsUnique();
            e.HasIndex(p => new { p.ProgramId, p.MemberId, p.OfferId });
            e.HasIndex(p => new { p.State, p.WindowEndsOn }).HasFilter("state = 'Pending'");
            e.Property(p => p.OrderReference).HasMaxLength(100);
            e.Property(p => p.ClickId).HasMaxLength(100);
            e.Property(p => p.Currency).HasColumnType("char(3)");
            e.Property(p => p.State).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.DeclineReason).HasMaxLength(60);
            e.Property(p => p.CreatedBy).HasMaxLength(200);
            e.Ignore(p => p.RemainingMinor);
        });
        modelBuilder.Entity<PurchaseReturn>(e =>
        {
            e.ToTable("purchase_returns", t => t.HasCheckConstraint("ck_purchase_returns_amount", "amount_minor > 0"));
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.PurchaseId, r.ReturnReference }).IsUnique();
            e.Property(r => r.ReturnReference).HasMaxLength(100);
            e.Property(r => r.StateBefore).HasMaxLength(20);
            e.HasOne<Purchase>().WithMany().HasForeignKey(r => r.PurchaseId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<PayoutBatch>(e =>
        {
            e.ToTable("payout_batches");
            e.HasKey(b => b.Id);
            e.HasIndex(b => new { b.ProgramId, b.PeriodKey, b.Currency }).IsUnique();
            e.Property(b => b.PeriodKey).HasMaxLength(20);
            e.Property(b => b.Currency).HasColumnType("char(3)");
            e.HasMany(b => b.Lines).WithOne().HasForeignKey(l => l.BatchId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<PayoutLine>(e =>
        {
            e.ToTable("payout_lines", t => t.HasCheckConstraint("ck_payout_lines_amount", "amount_minor > 0"));
            e.HasKey(l => l.Id);
            e.HasIndex(l => new { l.BatchId, l.MemberId }).IsUnique();
            e.HasIndex(l => new { l.ProgramId, l.MemberId });
            e.Property(l => l.Currency).HasColumnType("char(3)");
            e.Property(l => l.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(l => l.FailureReason).HasMaxLength(300);
        });
        modelBuilder.Entity<RefundClaim>(e =>
        {
            e.ToTable("refund_claims", t => t.HasCheckConstraint("ck_refund_claims_amount", "requested_minor > 0 AND (approved_minor IS NULL OR (approved_minor >= 0 AND approved_minor <= requested_minor))"));
            e.HasKey(c => c.Id);
            e.HasIndex(c => new { c.ProgramId, c.MemberId, c.ReceiptSha256 }).IsUnique();
            e.HasIndex(c => new { c.ProgramId, c.Status });
            e.Property(c => c.RefundKind).HasMaxLength(60);
            e.Property(c => c.Currency).HasColumnType("char(3)");
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.Reason).HasMaxLength(500);
            e.Property(c => c.DecidedBy).HasMaxLength(200);
            e.Property(c => c.ReceiptSha256).HasMaxLength(64);
        });
        modelBuilder.Entity<ClaimReceipt>(e =>
        {
            e.ToTable("claim_receipts");
            e.HasKey(r => r.ClaimId);
            e.Property(r => r.ContentType).HasMaxLength(50);
            e.Property(r => r.FileName).HasMaxLength(200);
            e.HasOne<RefundClaim>().WithOne().HasForeignKey<ClaimReceipt>(r => r.ClaimId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<KeyTag>(e =>
        {
            e.ToTable("key_tags");
            e.HasKey(t => t.Id);
            e.HasIndex(t => t.Code).IsUnique();
            e.HasIndex(t => new { t.ProgramId, t.MemberId });
            e.Property(t => t.Code).HasMaxLength(32);
            e.Property(t => t.Label).HasMaxLength(100);
        });
        modelBuilder.Entity<KeyTagFoundReport>(e =>
        {
            e.ToTable("key_tag_found_reports");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.ProgramId, r.MemberId });
            e.Property(r => r.Message).HasMaxLength(500);
            e.Property(r => r.FinderContact).HasMaxLength(200);
            e.HasOne<KeyTag>().WithMany().HasForeignKey(r => r.KeyTagId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<MemberFee>(e =>
        {
            e.ToTable("member_fees");
            e.HasKey(f => f.FeeId);
            e.HasIndex(f => new { f.ProgramId, f.MemberId });
            e.Property(f => f.Currency).HasColumnType("char(3)");
        });
    }
}

// Used only by `dotnet ef migrations add`.
internal sealed class RewardsDesignTimeFactory : IDesignTimeDbContextFactory<RewardsDbContext>
{
    public RewardsDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<RewardsDbContext>(RewardsDbContext.SchemaName));
}
