using BenefitProgram.Common;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Programs;

/// <summary>The bank's "PlusKonto" program and a second program (to show that programs never mix), with one operator each.</summary>
internal sealed class PlatformDemoSeeder(PlatformDbContext db, IUserAccounts accounts, TimeProvider clock) : IDemoSeeder
{
    public int Order => 0;

    public async Task SeedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!await db.Programs.AnyAsync(p => p.Id == DemoIds.PlusKontoProgram, ct))
        {
            db.Programs.Add(CoBrandingProgram.Create(DemoIds.PlusKontoProgram, DemoIds.PlusKontoSlug, "PlusKonto der Regionalbank",
                "EUR", "de", "Europe/Berlin", "#00529B", "#F5A800", "/branding/pluskonto.svg", now, launchedAt: now.AddYears(-2)));
        }

        if (!await db.Programs.AnyAsync(p => p.Id == DemoIds.OtherProgram, ct))
        {
            db.Programs.Add(CoBrandingProgram.Create(DemoIds.OtherProgram, DemoIds.OtherSlug, "Stadtwerke Vorteilswelt",
                "EUR", "de", "Europe/Berlin", "#2E7D32", "#FFC107", "/branding/stadtwerke.svg", now, launchedAt: now.AddYears(-1)));
        }

        await db.SaveChangesAsync(ct);
        await accounts.CreateOperatorAsync(DemoIds.PlusKontoProgram, DemoIds.OperatorEmail, DemoIds.OperatorPassword, ct);
        await accounts.CreateOperatorAsync(DemoIds.OtherProgram, "operator@stadtwerke.example", DemoIds.OperatorPassword, ct);
    }
}
