using BenefitProgram.Common.Persistence;
using BenefitProgram.Platform.ApiKeys;
using BenefitProgram.Platform.Idempotency;
using BenefitProgram.Platform.Jobs;
using BenefitProgram.Platform.Programs;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Persistence;

internal sealed class PlatformDbContext(DbContextOptions<PlatformDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "platform";

    public override string Schema => SchemaName;

    public DbSet<CoBrandingProgram> Programs => Set<CoBrandingProgram>();
    public DbSet<PartnerApiKey> ApiKeys => Set<PartnerApiKey>();
    public DbSet<IdempotencyRequest> IdempotencyRequests => Set<IdempotencyRequest>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CoBrandingProgram>(e =>
        {
            e.ToTable("programs");
            e.HasKey(p => p.Id);
            e.HasIndex(p => p.Slug).IsUnique();
            e.Property(p => p.Slug).HasMaxLength(60);
            e.Property(p => p.Name).HasMaxLength(120);
            e.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(p => p.DefaultLanguage).HasMaxLength(2);
            e.Property(p => p.PrimaryColor).HasMaxLength(7);
            e.Property(p => p.AccentColor).HasMaxLength(7);
            e.Property(p => p.TimeZone).HasMaxLength(60);
        });
        modelBuilder.Entity<PartnerApiKey>(e =>
        {
            e.ToTable("partner_api_keys");
            e.HasKey(k => k.Id);
            e.HasIndex(k => k.PartnerId);
            e.Property(k => k.SecretHash).HasMaxLength(64);
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.Prefix).HasMaxLength(20);
        });
        modelBuilder.Entity<IdempotencyRequest>(e =>
        {
            e.ToTable("idempotency_requests");
            e.HasKey(r => new { r.Scope, r.Key });
            e.Property(r => r.Scope).HasMaxLength(400);
            e.Property(r => r.Key).HasMaxLength(200);
            e.Property(r => r.RequestHash).HasMaxLength(64);
            e.Property(r => r.ContentType).HasMaxLength(200);
            e.HasIndex(r => r.CreatedAt);
        });
        modelBuilder.Entity<JobRun>(e =>
        {
            e.ToTable("job_runs");
            e.HasKey(r => new { r.Job, r.Period, r.Zone });
            e.Property(r => r.Job).HasMaxLength(100);
            e.Property(r => r.Period).HasMaxLength(20);
            e.Property(r => r.Zone).HasMaxLength(60);
            e.HasIndex(r => new { r.Zone, r.Period });
            e.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.RunBy).HasMaxLength(200);
            e.HasIndex(r => r.StartedAt);
        });
    }
}
