using System.Linq.Expressions;
using BenefitProgram.Common.Messaging;
using BenefitProgram.Common.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Common.Jobs;

/// <summary>
/// A recurring job a module wants. Modules register definitions in their Add&lt;Module&gt;; the host hands them all to
/// Hangfire at start-up (only in a role that runs jobs). The id is the unique key: several workers share one schedule.
/// </summary>
public interface IRecurringJobDefinition
{
    string Id { get; }
    string Cron { get; }
    void Register(IRecurringJobManager manager, TimeZoneInfo timeZone);
}

public sealed class RecurringJobDefinition<TJob>(string id, string cron, Expression<Func<TJob, Task>> call) : IRecurringJobDefinition
{
    public string Id => id;
    public string Cron => cron;

    public void Register(IRecurringJobManager manager, TimeZoneInfo timeZone) =>
        manager.AddOrUpdate(id, call, cron, new RecurringJobOptions { TimeZone = timeZone });
}

/// <summary>The sample nightly job every module gets: deletes delivered outbox rows after a week, in one statement.</summary>
public sealed class OutboxCleanupJob<TContext>(TContext db, TimeProvider clock) where TContext : ModuleDbContext
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public Task<int> RunAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - Retention;
        return db.Set<OutboxMessage>().Where(m => m.DispatchedAt != null && m.DispatchedAt < cutoff).ExecuteDeleteAsync(ct);
    }
}
