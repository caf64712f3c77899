using BenefitProgram.Common.Persistence;
using BenefitProgram.Notifications.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Notifications.Persistence;

internal sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "notifications";

    public override string Schema => SchemaName;

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();

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

        modelBuilder.Entity<WebhookEndpoint>(e =>
        {
            e.ToTable("webhook_endpoints");
            e.HasKey(w => w.Id);
            e.Property(w => w.Url).HasMaxLength(2000);
            e.Property(w => w.EventTypes).HasColumnType("text[]");
            e.Property(w => w.Description).HasMaxLength(200);
            e.Property(w => w.SecretProtected).HasMaxLength(2000);
            e.Property(w => w.PreviousSecretProtected).HasMaxLength(2000);
            e.Property(w => w.CreatedBy).HasMaxLength(200);
            e.HasIndex(w => w.PartnerId);
        });

        modelBuilder.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasKey(d => d.Id);
            e.Property(d => d.EventType).HasMaxLength(40);
            e.Property(d => d.Payload).HasColumnType("text");
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(d => d.LastError).HasMaxLength(1000);
            e.HasIndex(d => new { d.EventId, d.EndpointId }).IsUnique();
            e.HasIndex(d => d.NextAttemptAt).HasFilter("status IN ('Pending', 'Retrying', 'Sending')").HasDatabaseName("ix_webhook_deliveries_due");
            e.HasIndex(d => new { d.EndpointId, d.CreatedAt });
            e.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<WebhookAttempt>(e =>
        {
            e.ToTable("webhook_attempts");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).UseIdentityAlwaysColumn();
            e.Property(a => a.Error).HasMaxLength(1000);
            e.HasIndex(a => a.DeliveryId);
            e.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

internal sealed class NotificationsDesignTimeFactory : IDesignTimeDbContextFactory<NotificationsDbContext>
{
    public NotificationsDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<NotificationsDbContext>(NotificationsDbContext.SchemaName));
}
