using BenefitProgram.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Notifications.Persistence;

internal sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "notifications";

    public override string Schema => SchemaName;

    public DbSet<Notification> Notifications => Set<Notification>();

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Notification>(e =>
        {
            e.ToTable("notifications");
            e.HasKey(n => n.Id);
            e.Property(n => n.DedupKey).HasMaxLength(300);
            e.HasIndex(n => n.DedupKey).IsUnique();
            e.Property(n => n.Kind).HasMaxLength(60);
            e.Property(n => n.Category).HasMaxLength(20);
            e.Property(n => n.RecipientKind).HasMaxLength(20);
            e.Property(n => n.RecipientEmail).HasMaxLength(320);
            e.Property(n => n.Language).HasMaxLength(10);
            e.Property(n => n.Subject).HasMaxLength(300);
            e.Property(n => n.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(n => n.LastError).HasMaxLength(1000);
            e.HasIndex(n => new { n.ProgramId, n.CreatedAt });
        });
    }
}

internal sealed class NotificationsDesignTimeFactory : IDesignTimeDbContextFactory<NotificationsDbContext>
{
    public NotificationsDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<NotificationsDbContext>(NotificationsDbContext.SchemaName));
}
