using BenefitProgram.Catalog.Domain;
using BenefitProgram.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Catalog.Persistence;

internal sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "catalog";

    public override string Schema => SchemaName;

    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<PartnerProgram> PartnerPrograms => Set<PartnerProgram>();
    public DbSet<Offer> Offers => Set<Offer>();
    public DbSet<OfferRevision> OfferRevisions => Set<OfferRevision>();
    public DbSet<OfferHistoryEntry> OfferHistory => Set<OfferHistoryEntry>();
    public DbSet<Redemption> Redemptions => Set<Redemption>();
    public DbSet<CouponCode> CouponCodes => Set<CouponCode>();
    public DbSet<MemberOfferUsage> MemberOfferUsages => Set<MemberOfferUsage>();

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Partner>(e =>
        {
            e.ToTable("partners");
            e.HasKey(p => p.Id);
            e.Property(p => p.Id).ValueGeneratedNever();
            e.Property(p => p.Name).HasMaxLength(200);
            e.Property(p => p.LogoUrl).HasMaxLength(500);
            e.Property(p => p.Currency).HasMaxLength(3);
            e.Property(p => p.CooperationModel).HasConversion<string>().HasMaxLength(40);
            e.Property(p => p.CashbackFunding).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            e.Ignore(p => p.Terms);
            e.HasMany(p => p.Programs).WithOne().HasForeignKey(p => p.PartnerId);
        });
        modelBuilder.Entity<PartnerProgram>(e =>
        {
            e.ToTable("partner_programs");
            e.HasKey(p => new { p.PartnerId, p.ProgramId });
            e.HasIndex(p => p.ProgramId);
        });
        modelBuilder.Entity<Offer>(e =>
        {
            e.ToTable("offers");
            e.HasKey(o => o.Id);
            e.Property(o => o.Id).ValueGeneratedNever();
            e.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(o => o.LimitPeriod).HasConversion<string>().HasMaxLength(20);
            e.Property(o => o.PartnerName).HasMaxLength(200);
            e.Property(o => o.Category).HasMaxLength(40);
            e.Property(o => o.TitleDe).HasMaxLength(120);
            e.Property(o => o.TitleEn).HasMaxLength(120);
            e.Property(o => o.DescriptionDe).HasMaxLength(4000);
            e.Property(o => o.DescriptionEn).HasMaxLength(4000);
            e.Property(o => o.TermsDe).HasMaxLength(4000);
            e.Property(o => o.TermsEn).HasMaxLength(4000);
            e.Property(o => o.Currency).HasMaxLength(3);
            e.Property(o => o.GenericCode).HasMaxLength(64);
            e.Property(o => o.CashbackPlanRates).HasColumnType("jsonb");
            e.Property(o => o.RefundKind).HasMaxLength(40);
            e.Property(o => o.ServiceKind).HasMaxLength(40);
            e.Property(o => o.RejectionComment).HasMaxLength(2000);
            e.Property(o => o.Redeemed).IsConcurrencyToken(false);
            e.Ignore(o => o.PendingRevision);
            e.HasIndex(o => new { o.PartnerId, o.Status });
            e.HasIndex(o => new { o.ProgramId, o.Status });
            e.HasMany(o => o.Revisions).WithOne().HasForeignKey(r => r.OfferId);
            e.HasMany(o => o.History).WithOne().HasForeignKey(h => h.OfferId);
            // search_vector (generated tsvector) and its GIN index are added by raw SQL in the migration.
        });
        modelBuilder.Entity<OfferRevision>(e =>
        {
            e.ToTable("offer_revisions");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever(); // added through Offer.Revisions: a set key must not look like an existing row
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.Content).HasColumnType("jsonb");
            e.Property(r => r.Comment).HasMaxLength(2000);
            e.HasIndex(r => new { r.OfferId, r.Number }).IsUnique();
        });
        modelBuilder.Entity<OfferHistoryEntry>(e =>
        {
            e.ToTable("offer_history");
            e.HasKey(h => h.Id);
            e.Property(h => h.Id).UseIdentityAlwaysColumn();
            e.Property(h => h.Action).HasMaxLength(100);
            e.Property(h => h.Actor).HasMaxLength(100);
            e.Property(h => h.Comment).HasMaxLength(2000);
            e.Property(h => h.FromStatus).HasConversion<string>().HasMaxLength(20);
            e.Property(h => h.ToStatus).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(h => h.OfferId);
        });
        modelBuilder.Entity<Redemption>(e =>
        {
            e.ToTable("redemptions");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.CouponCode).HasMaxLength(64);
            e.Property(r => r.ClickId).HasMaxLength(40);
            e.Property(r => r.PassShortCode).HasMaxLength(16);
            e.Property(r => r.VerifiedBy).HasMaxLength(100);
            e.Property(r => r.Currency).HasMaxLength(3);
            e.HasIndex(r => r.ClickId).IsUnique().HasFilter("click_id IS NOT NULL");
            e.HasIndex(r => r.PassShortCode).IsUnique().HasFilter("pass_short_code IS NOT NULL");
            e.HasIndex(r => new { r.PartnerId, r.CreatedAt });
            e.HasIndex(r => new { r.ProgramId, r.CreatedAt });
            e.HasIndex(r => new { r.MemberId, r.CreatedAt });
            e.HasIndex(r => r.OfferId);
        });
        modelBuilder.Entity<CouponCode>(e =>
        {
            e.ToTable("coupon_codes");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).UseIdentityAlwaysColumn();
            e.Property(c => c.Code).HasMaxLength(64);
            e.HasIndex(c => new { c.OfferId, c.Code }).IsUnique();
            e.HasIndex(c => new { c.OfferId, c.Id }).HasFilter("assigned_at IS NULL").HasDatabaseName("ix_coupon_codes_free");
        });
        modelBuilder.Entity<MemberOfferUsage>(e =>
        {
            e.ToTable("member_offer_usage");
            e.HasKey(u => new { u.OfferId, u.MemberId, u.PeriodKey });
            e.Property(u => u.PeriodKey).HasMaxLength(10);
        });
    }
}

// Used only by `dotnet ef migrations add`.
internal sealed class CatalogDesignTimeFactory : IDesignTimeDbContextFactory<CatalogDbContext>
{
    public CatalogDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<CatalogDbContext>(CatalogDbContext.SchemaName));
}
