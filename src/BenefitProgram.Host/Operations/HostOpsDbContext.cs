using BenefitProgram.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Host.Operations;

/// <summary>
/// The host's own small schema "host_ops": what operators need to see that messages and jobs reach the workers
/// (the event log and job runs). It belongs to no business module and reads no module's tables.
/// </summary>
internal sealed class HostOpsDbContext(DbContextOptions<HostOpsDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "host_ops";

    public override string Schema => SchemaName;

    public DbSet<ReceivedEvent> ReceivedEvents => Set<ReceivedEvent>();

    public DbSet<JobRun> JobRuns => Set<JobRun>();

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReceivedEvent>(e =>
        {
            e.ToTable("received_events");
            e.HasKey(r => r.MessageId);
            e.Property(r => r.Type).HasMaxLength(300);
            e.Property(r => r.Node).HasMaxLength(100);
            e.HasIndex(r => r.ReceivedAt);
        });
        modelBuilder.Entity<JobRun>(e =>
        {
            e.ToTable("job_runs");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).UseIdentityAlwaysColumn();
            e.Property(r => r.Job).HasMaxLength(100);
            e.Property(r => r.JobKey).HasMaxLength(100);
            e.Property(r => r.Run).HasMaxLength(100);
            e.Property(r => r.Node).HasMaxLength(100);
            e.HasIndex(r => new { r.Job, r.FinishedAt });
        });
    }
}

/// <summary>One integration event as one worker received it (no payload: type and id only, so no personal data).</summary>
internal sealed class ReceivedEvent
{
    public Guid MessageId { get; set; }
    public string Type { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    public string Node { get; set; } = "";
}

/// <summary>One execution of a host job (heartbeat or probe): which node ran which Hangfire job for which occurrence.</summary>
internal sealed class JobRun
{
    public long Id { get; set; }
    public string Job { get; set; } = "";
    /// <summary>Hangfire's background job id.</summary>
    public string JobKey { get; set; } = "";
    /// <summary>The recurring occurrence (scheduled time) or, for probes, when the job was created.</summary>
    public DateTimeOffset Occurrence { get; set; }
    /// <summary>Probe jobs: the run they belong to and their number in it.</summary>
    public string? Run { get; set; }
    public int? Item { get; set; }
    public string Node { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
}

// Used only by `dotnet ef migrations add` (infra/add-migration.sh Host <Name> HostOpsDbContext).
internal sealed class HostOpsDesignTimeFactory : IDesignTimeDbContextFactory<HostOpsDbContext>
{
    public HostOpsDbContext CreateDbContext(string[] args) => new(ModuleDesignTime.Options<HostOpsDbContext>(HostOpsDbContext.SchemaName));
}
