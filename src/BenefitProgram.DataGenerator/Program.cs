using System.Globalization;

namespace BenefitProgram.DataGenerator;

// dotnet run --project src/BenefitProgram.DataGenerator -- generate --members 100000 --seed 42 [--connection ...] [--program-slug pluskonto] [--as-of 2026-11-25]
// A named entry point (not top-level statements): the integration tests reference this project next to the host's Program.
internal static class Cli
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not "generate")
        {
            Console.Error.WriteLine("""
                usage: generate --members N [--seed S] [--connection CS] [--program-slug SLUG] [--as-of YYYY-MM-DD] [--chunk N]
                  --connection     default: ConnectionStrings__BenefitProgram, else Host=127.0.0.1;Port=5432;Database=benefitprogram;Username=postgres
                  --program-slug   the program to fill (created with the reference plans when missing); default pluskonto
                  --as-of          the generated history ends at 00:00 UTC of this day (default: today); the first night to run is the day before
                The database must be migrated (start the host once). The same seed, as-of and database state give the same rows.
                """);
            return 2;
        }

        var options = new GeneratorOptions();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--members": options.Members = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seed": options.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connection": options.ConnectionString = Next(); break;
                case "--program-slug": options.ProgramSlug = Next(); break;
                case "--as-of": options.AsOf = DateOnly.ParseExact(Next(), "yyyy-MM-dd", CultureInfo.InvariantCulture); break;
                case "--chunk": options.ChunkSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        options.ConnectionString ??= Environment.GetEnvironmentVariable("ConnectionStrings__BenefitProgram")
            ?? "Host=127.0.0.1;Port=5432;Database=benefitprogram;Username=postgres";
        options.AsOf ??= DateOnly.FromDateTime(DateTime.UtcNow);

        var report = await new ProgramGenerator(options, Console.Out).RunAsync(CancellationToken.None);
        Console.WriteLine(report.Summary());
        return 0;
    }
}
