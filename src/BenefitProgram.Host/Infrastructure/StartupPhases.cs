using System.Diagnostics;

namespace BenefitProgram.Host.Infrastructure;

/// <summary>
/// Logs how long each start-up phase took and the time since the process started (category "BenefitProgram.Startup"),
/// so a slow start can be read from the log without a profiler (infra/bench/startup.sh reads these lines).
/// </summary>
internal sealed class StartupPhases(ILogger logger)
{
    private static readonly DateTime ProcessStarted = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private long last = Stopwatch.GetTimestamp();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<WebApplication, StartupPhases> PerHost = [];

    /// <summary>One timer per host (tests start several hosts in one process), so each phase counts from the previous one.</summary>
    public static StartupPhases For(WebApplication app) => PerHost.GetValue(app, a =>
        new StartupPhases(a.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BenefitProgram.Startup")));

    public void Done(string phase)
    {
        var now = Stopwatch.GetTimestamp();
        logger.LogInformation("Start-up phase {Phase}: {PhaseMs} ms (since process start {SinceStartMs} ms)",
            phase, (long)Stopwatch.GetElapsedTime(last, now).TotalMilliseconds, (long)(DateTime.UtcNow - ProcessStarted).TotalMilliseconds);
        last = now;
    }
}
