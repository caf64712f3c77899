using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.ApiKeys;

public sealed record CreateApiKeyRequest(string Name);

internal sealed class CreateApiKeyRequestValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyRequestValidator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
}

public sealed record ApiKeyCreated(Guid Id, string Name, string Key, string Prefix, DateTimeOffset CreatedAt);

public sealed record ApiKeyView(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A partner admin issues, lists and revokes the API keys of their own partner.</summary>
internal static class ApiKeyEndpoints
{
    public static void MapApiKeys(this IEndpointRouteBuilder api)
    {
        var keys = api.MapGroup("/partner/api-keys").WithTags("Partner API keys").RequireAuthorization(Policies.PartnerAdmin);

        keys.MapPost("", async (CreateApiKeyRequest request, CurrentActor actor, PlatformDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var (key, plain) = PartnerApiKey.Issue(actor.RequirePartner(), request.Name.Trim(), actor.AuditName, clock.GetUtcNow());
            db.ApiKeys.Add(key);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/partner/api-keys/{key.Id}", new ApiKeyCreated(key.Id, key.Name, plain, key.Prefix, key.CreatedAt));
        }).Validate<CreateApiKeyRequest>().WithSummary("Issues an API key; the key is shown only in this answer.");

        keys.MapGet("", async (CurrentActor actor, PlatformDbContext db, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var list = await db.ApiKeys.Where(k => k.PartnerId == partner).OrderBy(k => k.CreatedAt)
                .Select(k => new ApiKeyView(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt))
                .ToListAsync(ct);
            return TypedResults.Ok(list);
        });

        keys.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, CurrentActor actor, PlatformDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.PartnerId == partner, ct);
            if (key is null)
            {
                return Problems.NotFound("The API key");
            }

            key.Revoke(clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).WithSummary("Revokes an API key at once.");
    }
}
