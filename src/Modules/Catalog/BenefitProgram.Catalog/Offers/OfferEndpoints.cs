using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Domain;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Catalog.Offers;

public sealed record RevisionView(int Number, string Status, OfferInput Content, string? Comment, DateTimeOffset UpdatedAt);

public sealed record OfferView(
    Guid Id,
    Guid PartnerId,
    string PartnerName,
    Guid ProgramId,
    OfferStatus Status,
    int Revision,
    OfferInput Content,
    string? RejectionComment,
    RevisionView? PendingRevision,
    int Redeemed,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LiveSince);

public sealed record OfferHistoryView(DateTimeOffset At, string Action, OfferStatus? FromStatus, OfferStatus ToStatus, string Actor, string? Comment);

public sealed record RejectOfferRequest(string Comment);

internal sealed class RejectOfferRequestValidator : AbstractValidator<RejectOfferRequest>
{
    public RejectOfferRequestValidator() => RuleFor(r => r.Comment).NotEmpty().MaximumLength(2000).WithMessage("Tell the partner why (at most 2000 characters).");
}

/// <summary>Offer workflow for partners (create, edit, submit, pause, withdraw) and operators (approve, reject, pause, withdraw).</summary>
internal static class OfferEndpoints
{
    public static void MapOffers(this IEndpointRouteBuilder api)
    {
        var partner = api.MapGroup("/partner").WithTags("Partner: offers").RequireAuthorization(Policies.Partner);

        partner.MapPost("/programs/{programId:guid}/offers", async Task<Results<Created<OfferView>, ProblemHttpResult>> (
            Guid programId, OfferInput input, CurrentActor actor, CatalogDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var partnerId = actor.RequirePartner();
            var company = await db.Partners.AsNoTracking().Include(p => p.Programs).SingleOrDefaultAsync(p => p.Id == partnerId, ct);
            if (company is null || !company.TakesPartIn(programId))
            {
                return Problems.NotFound("The program");
            }

            var now = clock.GetUtcNow();
            var offer = Offer.CreateDraft(Guid.CreateVersion7(now), partnerId, company.Name, programId, input, actor.AuditName, now);
            db.Offers.Add(offer);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/partner/offers/{offer.Id}", View(offer));
        }).Validate<OfferInput>().WithSummary("Creates a draft offer in one of the partner's programs.");

        partner.MapGet("/offers", async (OfferStatus? status, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            var partnerId = actor.RequirePartner();
            var offers = await db.Offers.AsNoTracking().Include(o => o.Revisions)
                .Where(o => o.PartnerId == partnerId && (status == null || o.Status == status))
                .OrderByDescending(o => o.UpdatedAt).Take(500).ToListAsync(ct);
            return TypedResults.Ok(offers.Select(View).ToList());
        });

        partner.MapGet("/offers/{id:guid}", async Task<Results<Ok<OfferView>, ProblemHttpResult>> (Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await ForPartner(db, id, actor, ct) is { } offer ? TypedResults.Ok(View(offer)) : Problems.NotFound("The offer"));

        partner.MapGet("/offers/{id:guid}/history", async Task<Results<Ok<List<OfferHistoryView>>, ProblemHttpResult>> (
            Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await db.Offers.AnyAsync(o => o.Id == id && o.PartnerId == actor.RequirePartner(), ct)
                ? TypedResults.Ok(await History(db, id, ct))
                : Problems.NotFound("The offer"));

        partner.MapPut("/offers/{id:guid}", async Task<Results<Ok<OfferView>, ProblemHttpResult>> (
            Guid id, OfferInput input, CurrentActor actor, CatalogDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (await ForPartner(db, id, actor, ct) is not { } offer)
            {
                return Problems.NotFound("The offer");
            }

            return await ActAsync(db, offer, () => offer.Edit(input, actor.AuditName, clock.GetUtcNow()), ct);
        }).Validate<OfferInput>().WithSummary("Edits a draft directly; an approved or live offer gets a pending revision that needs approval.");

        partner.MapPost("/offers/{id:guid}/submit", async Task<Results<Ok<OfferView>, ProblemHttpResult>> (
            Guid id, CurrentActor actor, CatalogDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (await ForPartner(db, id, actor, ct) is not { } offer)
            {
                return Problems.NotFound("The offer");
            }

            var now = clock.GetUtcNow();
            return await ActAsync(db, offer, () =>
            {
                var revision = offer.Submit(actor.AuditName, now);
                db.Publish(new OfferSubmitted(offer.Id, offer.PartnerId, offer.ProgramId, revision, now), now);
            }, ct);
        }).WithSummary("Submits the draft (or the pending revision) for the operator's approval.");

        MapStatusChanges(partner, ForPartner);

        var ops = api.MapGroup("/ops/offers").WithTags("Operator: offers").RequireAuthorization(Policies.Operator);

        ops.MapGet("", async (OfferStatus? status, Guid? partnerId, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var offers = await db.Offers.AsNoTracking().Include(o => o.Revisions)
                .Where(o => o.ProgramId == program && (status == null || o.Status == status) && (partnerId == null || o.PartnerId == partnerId))
                .OrderByDescending(o => o.UpdatedAt).Take(500).ToListAsync(ct);
            return TypedResults.Ok(offers.Select(View).ToList());
        }).WithSummary("The program's offers; ?status=Submitted is the review queue (pending revisions show in pendingRevision).");

        ops.MapGet("/{id:guid}", async Task<Results<Ok<OfferView>, ProblemHttpResult>> (Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await ForOperator(db, id, actor, ct) is { } offer ? TypedResults.Ok(View(offer)) : Problems.NotFound("The offer"));

        ops.MapGet("/{id:guid}/history", async Task<Results<Ok<List<OfferHistoryView>>, ProblemHttpResult>> (
            Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await db.Offers.AnyAsync(o => o.Id == id && o.ProgramId == actor.RequireProgram(), ct)
                ? TypedResults.Ok(await History(db, id, ct))
                : Problems.NotFound("The offer"));

        ops.MapPost("/{id:guid}/approve", async Task<Results<Ok<OfferView>, ProblemHttpResult>> (
            Guid id, CurrentActor actor, CatalogDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (await ForOperator(db, id, actor, ct) is not { } offer)
            {
                return Problems.NotFound("The offer");
            }

            var now = clock.GetUtcNow();
            return await ActAsync(db, offer, () =>
            {
                var (revision, wentLive) = offer.Approve(actor.AuditName, now);
                db.Publish(new OfferApproved(offer.Id, offer.PartnerId, offer.ProgramId, revision, now), now);
                if (wentLive)
                {
                    db.Publish(new OfferWentLive(offer.Id, offer.PartnerId, offer.ProgramId, offer.Kind, now), now);
                }
            }, ct);
        }).WithSummary("Approves the submitted offer or revision; an offer whose validity has begun goes live at once.");

        ops.MapPost("/{id:guid}/reject", async Task<Results<Ok<OfferView>, ProblemHttpResult>> (
            Guid id, RejectOfferRequest request, CurrentActor actor, CatalogDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (await ForOperator(db, id, actor, ct) is not { } offer)
            {
                return Problems.NotFound("The offer");
            }

            var now = clock.GetUtcNow();
            return await ActAsync(db, offer, () =>
            {
                var revision = offer.Reject(request.Comment.Trim(), actor.AuditName, now);
                db.Publish(new OfferRejected(offer.Id, offer.PartnerId, offer.ProgramId, revision, request.Comment.Trim(), now), now);
            }, ct);
        }).Validate<RejectOfferRequest>().WithSummary("Rejects the submitted offer or revision with a comment for the partner.");

        MapStatusChanges(ops.MapGroup(""), ForOperator, prefix: "");
    }

    private delegate Task<Offer?> Finder(CatalogDbContext db, Guid id, CurrentActor actor, CancellationToken ct);

    private static void MapStatusChanges(RouteGroupBuilder group, Finder find, string prefix = "/offers")
    {
        foreach (var (action, apply) in new (string, Action<Offer, string, DateTimeOffset>)[]
        {
            ("pause", (o, a, n) => o.Pause(a, n)),
            ("resume", (o, a, n) => o.Resume(a, n)),
            ("withdraw", (o, a, n) => o.Withdraw(a, n)),
        })
        {
            group.MapPost($"{prefix}/{{id:guid}}/{action}", async Task<Results<Ok<OfferView>, ProblemHttpResult>> (
                Guid id, CurrentActor actor, CatalogDbContext db, TimeProvider clock, CancellationToken ct) =>
            {
                if (await find(db, id, actor, ct) is not { } offer)
                {
                    return Problems.NotFound("The offer");
                }

                var now = clock.GetUtcNow();
                return await ActAsync(db, offer, () =>
                {
                    apply(offer, actor.AuditName, now);
                    db.Publish(new OfferStatusChanged(offer.Id, offer.PartnerId, offer.ProgramId, offer.Status, now), now);
                }, ct);
            }).WithSummary($"{char.ToUpperInvariant(action[0])}{action[1..]}s the offer.");
        }
    }

    private static async Task<Results<Ok<OfferView>, ProblemHttpResult>> ActAsync(CatalogDbContext db, Offer offer, Action act, CancellationToken ct)
    {
        try
        {
            act();
        }
        catch (OfferRuleException rule)
        {
            return Problems.Conflict(rule.Code, rule.Message);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(offer));
    }

    private static Task<Offer?> ForPartner(CatalogDbContext db, Guid id, CurrentActor actor, CancellationToken ct) =>
        db.Offers.Include(o => o.Revisions).SingleOrDefaultAsync(o => o.Id == id && o.PartnerId == actor.RequirePartner(), ct);

    private static Task<Offer?> ForOperator(CatalogDbContext db, Guid id, CurrentActor actor, CancellationToken ct) =>
        db.Offers.Include(o => o.Revisions).SingleOrDefaultAsync(o => o.Id == id && o.ProgramId == actor.RequireProgram(), ct);

    private static Task<List<OfferHistoryView>> History(CatalogDbContext db, Guid id, CancellationToken ct) =>
        db.OfferHistory.AsNoTracking().Where(h => h.OfferId == id).OrderBy(h => h.Id)
            .Select(h => new OfferHistoryView(h.At, h.Action, h.FromStatus, h.ToStatus, h.Actor, h.Comment)).ToListAsync(ct);

    public static OfferView View(Offer o) => new(
        o.Id, o.PartnerId, o.PartnerName, o.ProgramId, o.Status, o.Revision, o.ToInput(), o.RejectionComment,
        o.PendingRevision is { } r ? new RevisionView(r.Number, r.Status.ToString(), r.Read(), r.Comment, r.UpdatedAt) : null,
        o.Redeemed, o.CreatedAt, o.UpdatedAt, o.LiveSince);
}

internal sealed class OfferDirectory(CatalogDbContext db) : IOfferDirectory
{
    public async Task<OfferTerms?> GetAsync(Guid offerId, CancellationToken ct) =>
        (await db.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == offerId, ct))?.ToTerms();

    public async Task<IReadOnlyList<OfferTerms>> ListAsync(Guid programId, OfferKind? kind, CancellationToken ct) =>
        (await db.Offers.AsNoTracking().Where(o => o.ProgramId == programId && (kind == null || o.Kind == kind)).ToListAsync(ct))
            .Select(o => o.ToTerms()).ToList();
}
