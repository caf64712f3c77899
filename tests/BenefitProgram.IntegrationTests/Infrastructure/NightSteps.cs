using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>Runs a single nightly step the way the night runner would for the demo programs' zone.</summary>
public static class NightSteps
{
    public const string Berlin = "Europe/Berlin";

    /// <summary>The demo programs (reset and seeded before each test); both are in <see cref="Berlin"/>.</summary>
    public static readonly Guid[] DemoPrograms = [DemoIds.PlusKontoProgram, DemoIds.OtherProgram];

    /// <summary>The night of <paramref name="night"/> in Europe/Berlin over the demo programs, or over <paramref name="programs"/>.</summary>
    public static Task<long> RunAsync(this INightlyJob step, DateOnly night, CancellationToken ct, params Guid[] programs) =>
        step.RunAsync(new NightScope(night, Berlin, programs.Length > 0 ? programs : DemoPrograms), ct);
}
