using System.Globalization;

namespace BenefitProgram.Host.Infrastructure;

/// <summary>
/// Test-only clock for tests that run the host as a separate process (tests/.../Reliability/MoneyUnderFaultsTests):
/// the file named by <c>Testing:ClockFile</c> holds an ISO 8601 instant; the clock answers that instant plus the real
/// time that passed since the file was last written, so time moves on normally and the test moves it to another day by
/// rewriting the file. Honoured only in the "Testing" environment (the host refuses to start otherwise), never
/// registered when the setting is absent (README, "Tests").
/// </summary>
internal sealed class FileClock(string path) : TimeProvider
{
    public const string Setting = "Testing:ClockFile";

    private readonly Lock gate = new();
    private DateTime seenWriteUtc = DateTime.MinValue;
    private DateTimeOffset instant;

    public override DateTimeOffset GetUtcNow()
    {
        var written = File.GetLastWriteTimeUtc(path);
        lock (gate)
        {
            if (written != seenWriteUtc)
            {
                var text = File.ReadAllText(path).Trim();
                // A writer replaces the file atomically (write + rename), so a half-written file is never read.
                instant = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                seenWriteUtc = written;
            }

            var passed = DateTime.UtcNow - seenWriteUtc;
            return instant + (passed > TimeSpan.Zero ? passed : TimeSpan.Zero);
        }
    }

    public static void Register(WebApplicationBuilder builder)
    {
        var path = builder.Configuration[Setting];
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        if (!builder.Environment.IsEnvironment("Testing"))
        {
            throw new InvalidOperationException($"{Setting} is set, but a clock from a file is only allowed in the Testing environment.");
        }

        builder.Services.AddSingleton<TimeProvider>(new FileClock(path));
    }
}
