using BenefitProgram.Common.Messaging;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Common.Persistence;

/// <summary>
/// Base of every module's DbContext: its own PostgreSQL schema, its own outbox and inbox tables,
/// so a module's facts and the events announcing them commit in one transaction.
/// </summary>
public abstract class ModuleDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The module's PostgreSQL schema, e.g. "members".</summary>
    public abstract string Schema { get; }

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    /// <summary>Queues an integration event in this module's outbox; it is stored by the next SaveChanges, with the fact.</summary>
    public void Publish(object integrationEvent, DateTimeOffset now) =>
        OutboxMessages.Add(OutboxMessage.From(integrationEvent, now));

    /// <summary>
    /// Records that <paramref name="consumer"/> handled <paramref name="messageId"/>. Returns false when it already had,
    /// so the caller skips the effect. Call it inside the transaction that writes the effect.
    /// </summary>
    public async Task<bool> TryMarkProcessedAsync(Guid messageId, string consumer, DateTimeOffset now, CancellationToken ct)
    {
        var sql = $"INSERT INTO \"{Schema}\".inbox_messages (message_id, consumer, processed_at) VALUES ({{0}}, {{1}}, {{2}}) ON CONFLICT DO NOTHING";
        var inserted = await Database.ExecuteSqlRawAsync(sql, [messageId, consumer, now], ct);
        return inserted == 1;
    }

    protected sealed override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(m => m.Id);
            e.Property(m => m.Type).HasMaxLength(500);
            e.Property(m => m.Payload).HasColumnType("jsonb");
            e.Property(m => m.Sequence).UseIdentityAlwaysColumn();
            e.HasIndex(m => m.Sequence).HasFilter("dispatched_at IS NULL").HasDatabaseName("ix_outbox_messages_pending");
        });
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(m => new { m.MessageId, m.Consumer });
            e.Property(m => m.Consumer).HasMaxLength(200);
        });
        ConfigureModule(modelBuilder);
    }

    protected abstract void ConfigureModule(ModelBuilder modelBuilder);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Text columns are bounded unless a module says otherwise; enums are stored by name.
        configurationBuilder.Properties<string>().HaveMaxLength(1000);
    }
}
