namespace BenefitProgram.Common;

/// <summary>
/// Seeds a module's part of the demo program (the bank's "PlusKonto" from PRODUCT.md). The host runs all seeders in
/// <see cref="Order"/> when the database has no program yet; each seeder must be safe to run on a half-seeded database.
/// </summary>
public interface IDemoSeeder
{
    int Order { get; }
    Task SeedAsync(CancellationToken ct);
}

/// <summary>Fixed ids of the demo program, so every module's seeder and the tests can refer to them.</summary>
public static class DemoIds
{
    public static readonly Guid PlusKontoProgram = Guid.Parse("0195f000-0000-7000-8000-000000000001");
    public static readonly Guid OtherProgram = Guid.Parse("0195f000-0000-7000-8000-000000000002");
    public const string PlusKontoSlug = "pluskonto";
    public const string OtherSlug = "stadtwerke";
    public const string OperatorEmail = "operator@pluskonto.example";
    public const string OperatorPassword = "Demo-Operator-2026";
}
