using System.Threading.RateLimiting;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Rewards.KeyFinder;

public sealed record RegisterKeyTagRequest(string Code, string Label);

public sealed record KeyTagView(Guid Id, string Code, string Label, DateTimeOffset CreatedAt, IReadOnlyList<FoundReportView> FoundReports);

public sealed record FoundReportView(Guid Id, string? Message, string? FinderContact, DateTimeOffset ReportedAt);

public sealed record OpsFoundReportView(Guid Id, Guid KeyTagId, string Code, Guid MemberId, string? Message, string? FinderContact, DateTimeOffset ReportedAt);

public sealed record FoundKeyRequest(string? Message, string? FinderContact);

public sealed record FoundKeyAnswer(string Message);

internal sealed class RegisterKeyTagRequestValidator : AbstractValidator<RegisterKeyTagRequest>
{
    public RegisterKeyTagRequestValidator()
    {
        RuleFor(r => r.Code).NotEmpty().Must(c => c is not null && KeyFinderEndpoints.IsCode(c.Trim().ToUpperInvariant()))
            .WithMessage("A tag code is 6 to 32 letters, digits or dashes.");
        RuleFor(r => r.Label).NotEmpty().MaximumLength(100);
    }
}

internal sealed class FoundKeyRequestValidator : AbstractValidator<FoundKeyRequest>
{
    public FoundKeyRequestValidator()
    {
        RuleFor(r => r.Message).MaximumLength(500);
        RuleFor(r => r.FinderContact).MaximumLength(200);
    }
}

internal static class KeyFinderEndpoints
{
    public const string RateLimitPolicy = "rewards-key-finder";

    /// <summary>6 to 32 of A-Z, 0-9 and '-' (a plain check: a generated regex would put a type in a shared namespace).</summary>
    public static bool IsCode(string code) => code.Length is >= 6 and <= 32 && code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-');

    /// <summary>Found reports: per client IP and program, a fixed window (Rewards:KeyFinder:PermitsPerMinute, default 10).</summary>
    public static IServiceCollection AddKeyFinderRateLimit(this IServiceCollection services, IConfiguration? configuration = null) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, http =>
            {
                var permits = http.RequestServices.GetService<IConfiguration>()?.GetValue("Rewards:KeyFinder:PermitsPerMinute", 10) ?? 10;
                var key = $"{http.Connection.RemoteIpAddress}|{http.Request.RouteValues["slug"]}";
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });

    public static void MapKeyFinder(this IEndpointRouteBuilder api)
    {
        api.MapPost("/programs/{slug}/key-tags/{code}/found", async Task<Results<Accepted<FoundKeyAnswer>, ProblemHttpResult>> (
            string slug, string code, FoundKeyRequest? request, IProgramDirectory programs, RewardsDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var program = await programs.FindBySlugAsync(slug, ct);
            if (program is null)
            {
                return Problems.NotFound($"The program '{slug}'");
            }

            var normalized = code.Trim().ToUpperInvariant();
            var tag = IsCode(normalized)
                ? await db.KeyTags.AsNoTracking().SingleOrDefaultAsync(t => t.Code == normalized && t.ProgramId == program.Id, ct)
                : null;
            if (tag is not null)
            {
                var now = clock.GetUtcNow();
                var report = new KeyTagFoundReport
                {
                    Id = Guid.CreateVersion7(now),
                    KeyTagId = tag.Id,
                    ProgramId = tag.ProgramId,
                    MemberId = tag.MemberId,
                    Message = request?.Message?.Trim() is { Length: > 0 } m ? m[..Math.Min(m.Length, 500)] : null,
                    FinderContact = request?.FinderContact?.Trim() is { Length: > 0 } f ? f[..Math.Min(f.Length, 200)] : null,
                    ReportedAt = now,
                };
                db.KeyTagFoundReports.Add(report);
                db.Publish(new KeyTagFound(tag.ProgramId, tag.Id, tag.MemberId, report.Id, now), now);
                await db.SaveChangesAsync(ct);
            }

            // The same answer whether or not the code exists: nothing about the owner (or the tag) is revealed.
            return TypedResults.Accepted((string?)null, new FoundKeyAnswer("Thank you. If this tag is registered, its owner has been told and the key-finder service will be in touch."));
        }).AllowAnonymous().RequireRateLimiting(RateLimitPolicy).Validate<FoundKeyRequest>().WithTags("Key finder")
          .WithSummary("A finder reports a found key tag (public, rate-limited; reveals nothing about the owner).");

        var me = api.MapGroup("/me/key-tags").WithTags("Key finder").RequireAuthorization(Policies.Member);

        me.MapPost("", async Task<Results<Created<KeyTagView>, ProblemHttpResult>> (RegisterKeyTagRequest request, CurrentActor actor, RewardsDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow();
            var code = request.Code.Trim().ToUpperInvariant();
            var tag = new KeyTag { Id = Guid.CreateVersion7(now), ProgramId = actor.RequireProgram(), MemberId = actor.RequireMember(), Code = code, Label = request.Label.Trim(), CreatedAt = now };
            db.KeyTags.Add(tag);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
            {
                return Problems.Conflict("key-tag-taken", "This tag code is already registered.");
            }

            return TypedResults.Created($"/api/v1/me/key-tags/{tag.Id}", new KeyTagView(tag.Id, tag.Code, tag.Label, tag.CreatedAt, []));
        }).Validate<RegisterKeyTagRequest>().WithSummary("Registers a key tag by the code printed on it.");

        me.MapGet("", async (CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var member = actor.RequireMember();
            var tags = await db.KeyTags.AsNoTracking().Where(t => t.ProgramId == program && t.MemberId == member).OrderBy(t => t.CreatedAt).ToListAsync(ct);
            var reports = await db.KeyTagFoundReports.AsNoTracking().Where(r => r.ProgramId == program && r.MemberId == member).OrderByDescending(r => r.ReportedAt).ToListAsync(ct);
            return TypedResults.Ok(tags.Select(t => new KeyTagView(t.Id, t.Code, t.Label, t.CreatedAt,
                reports.Where(r => r.KeyTagId == t.Id).Select(r => new FoundReportView(r.Id, r.Message, r.FinderContact, r.ReportedAt)).ToList())).ToList());
        }).WithSummary("The member's key tags and their found reports.");

        api.MapGet("/ops/rewards/key-tags/found", async (CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var list = await (from r in db.KeyTagFoundReports.AsNoTracking()
                              join t in db.KeyTags.AsNoTracking() on r.KeyTagId equals t.Id
                              where r.ProgramId == program
                              orderby r.ReportedAt descending
                              select new OpsFoundReportView(r.Id, t.Id, t.Code, t.MemberId, r.Message, r.FinderContact, r.ReportedAt)).Take(500).ToListAsync(ct);
            return TypedResults.Ok(list);
        }).RequireAuthorization(Policies.Operator).WithTags("Key finder").WithSummary("Found reports of the program's key tags, newest first.");
    }
}
