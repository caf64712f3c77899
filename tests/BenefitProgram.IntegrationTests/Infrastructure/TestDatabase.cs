using Npgsql;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>A database of its own on the test cluster that infra/test.sh starts (BP_TEST_POSTGRES).</summary>
public static class TestDatabase
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("BP_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5499;Username=postgres;Include Error Detail=true";

    public static async Task<string> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
