namespace BenefitProgram.Host.Infrastructure;

/// <summary>
/// What one process does (configuration key Host:Role). One image serves every role; see docs/adr/0006-host-roles-and-scale-out.md.
/// </summary>
public enum HostRole
{
    /// <summary>HTTP, portals, Hangfire server, outbox dispatch and consumers: the default for one machine.</summary>
    All,
    /// <summary>HTTP and portals only; facts are written with their events to the outbox, workers deliver them.</summary>
    Web,
    /// <summary>Hangfire server, outbox dispatch and message consumers; answers only health checks.</summary>
    Worker,
}

public static class HostRoleExtensions
{
    public static HostRole GetHostRole(this IConfiguration configuration) =>
        Enum.TryParse<HostRole>(configuration["Host:Role"], ignoreCase: true, out var role) ? role : HostRole.All;

    public static bool RunsBackgroundWork(this HostRole role) => role != HostRole.Web;

    /// <summary>Host:NodeName, else the machine name: shown in the X-Node response header, health and the event log.</summary>
    public static string GetNodeName(this IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration["Host:NodeName"]) ? Environment.MachineName : configuration["Host:NodeName"]!;
}
