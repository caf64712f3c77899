using Npgsql;
using Respawn;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>
/// Respawn's reset between tests, retried when PostgreSQL picks it as a deadlock victim: the running host's background
/// work (outbox dispatchers, Hangfire jobs, consumers) may still be writing into the tables the reset empties, and the
/// two can lock tables in opposite orders. A retry after a short pause finds the background work done.
/// </summary>
public static class DatabaseReset
{
    public static async Task ResetAsync(Respawner respawner, string connectionString)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await respawner.ResetAsync(connection);
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt));
            }
        }
    }
}
