using BenefitProgram.Common.Http;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Platform.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Programs;

public sealed record ProgramBranding(string Slug, string Name, string? LogoUrl, string PrimaryColor, string AccentColor, string DefaultLanguage, string Currency);

public sealed record RebrandProgramRequest(string Name, string PrimaryColor, string AccentColor, string? LogoUrl);

internal sealed class RebrandProgramRequestValidator : AbstractValidator<RebrandProgramRequest>
{
    public RebrandProgramRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(120);
        RuleFor(r => r.PrimaryColor).Matches(CoBrandingProgram.ColorPattern()).WithMessage("Use a colour like #003366.");
        RuleFor(r => r.AccentColor).Matches(CoBrandingProgram.ColorPattern()).WithMessage("Use a colour like #FFB000.");
        RuleFor(r => r.LogoUrl)
            .Must(u => u is null || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps) || (u.StartsWith('/') && !u.StartsWith("//", StringComparison.Ordinal)))
            .WithMessage("The logo must be an https URL or a path on this site.")
            .MaximumLength(500);
    }
}

public sealed record ChangeTimeZoneRequest(string TimeZone);

internal sealed class ChangeTimeZoneRequestValidator : AbstractValidator<ChangeTimeZoneRequest>
{
    public ChangeTimeZoneRequestValidator()
    {
        RuleFor(r => r.TimeZone).NotEmpty().MaximumLength(60)
            .Must(NightScope.IsIanaTimeZone).WithMessage("Use an IANA time zone id like Europe/Berlin or America/New_York.");
    }
}

internal static class ProgramEndpoints
{
    public static void MapPrograms(this IEndpointRouteBuilder api)
    {
        // Public: the portals need a program's branding before anyone signs in.
        api.MapGet("/programs/{slug}", async Task<Results<Ok<ProgramBranding>, ProblemHttpResult>> (string slug, PlatformDbContext db, CancellationToken ct) =>
        {
            var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Slug == slug, ct);
            return program is null
                ? Problems.NotFound($"The program '{slug}'")
                : TypedResults.Ok(new ProgramBranding(program.Slug, program.Name, program.LogoUrl, program.PrimaryColor, program.AccentColor, program.DefaultLanguage, program.Currency));
        }).WithTags("Programs").AllowAnonymous().WithSummary("A program's public branding.");

        var ops = api.MapGroup("/ops/program").WithTags("Programs").RequireAuthorization(Policies.Operator);

        ops.MapGet("", async Task<Results<Ok<ProgramInfo>, ProblemHttpResult>> (CurrentActor actor, IProgramDirectory programs, CancellationToken ct) =>
            await programs.FindByIdAsync(actor.RequireProgram(), ct) is { } program
                ? TypedResults.Ok(program)
                : Problems.NotFound("Your program"))
            .WithSummary("The operator's own program.");

        ops.MapPut("/branding", async Task<Results<Ok<ProgramInfo>, ProblemHttpResult>> (
            RebrandProgramRequest request, CurrentActor actor, PlatformDbContext db, IProgramDirectory programs, TimeProvider clock, CancellationToken ct) =>
        {
            var program = await db.Programs.SingleOrDefaultAsync(p => p.Id == actor.RequireProgram(), ct);
            if (program is null)
            {
                return Problems.NotFound("Your program");
            }

            program.Rebrand(request.Name.Trim(), request.PrimaryColor, request.AccentColor, request.LogoUrl);
            var now = clock.GetUtcNow();
            db.Publish(new ProgramBrandingChanged(program.Id, program.Name, program.PrimaryColor, program.AccentColor, now), now);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok((await programs.FindByIdAsync(program.Id, ct))!);
        }).Validate<RebrandProgramRequest>().WithSummary("Changes the program's name, colours and logo.");

        ops.MapPut("/time-zone", async Task<Results<Ok<ProgramInfo>, ProblemHttpResult>> (
            ChangeTimeZoneRequest request, CurrentActor actor, PlatformDbContext db, IProgramDirectory programs, CancellationToken ct) =>
        {
            var program = await db.Programs.SingleOrDefaultAsync(p => p.Id == actor.RequireProgram(), ct);
            if (program is null)
            {
                return Problems.NotFound("Your program");
            }

            program.MoveToTimeZone(request.TimeZone);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok((await programs.FindByIdAsync(program.Id, ct))!);
        }).Validate<ChangeTimeZoneRequest>()
            .WithSummary("Changes the program's time zone (IANA id): its nights, days and months are counted in it from the next night on.");
    }
}

internal sealed class ProgramDirectory(PlatformDbContext db) : IProgramDirectory
{
    public Task<ProgramInfo?> FindByIdAsync(Guid id, CancellationToken ct) =>
        db.Programs.AsNoTracking().Where(p => p.Id == id).Select(ToInfo).SingleOrDefaultAsync(ct);

    public Task<ProgramInfo?> FindBySlugAsync(string slug, CancellationToken ct) =>
        db.Programs.AsNoTracking().Where(p => p.Slug == slug).Select(ToInfo).SingleOrDefaultAsync(ct);

    public async Task<IReadOnlyList<ProgramInfo>> ListAsync(CancellationToken ct) =>
        await db.Programs.AsNoTracking().OrderBy(p => p.Slug).Select(ToInfo).ToListAsync(ct);

    private static readonly System.Linq.Expressions.Expression<Func<CoBrandingProgram, ProgramInfo>> ToInfo = p =>
        new ProgramInfo(p.Id, p.Slug, p.Name, p.LogoUrl, p.PrimaryColor, p.AccentColor, p.Currency, p.DefaultLanguage, p.TimeZone);
}
