#pragma warning disable CA1068 // the change delegate reads best last
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Members.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Members.MyMembership;

/// <summary>The member's own membership: /api/v1/me/... Everything is looked up by the caller's member id, never by a request id.</summary>
internal static class MyMembershipEndpoints
{
    public static void MapMyMembership(this IEndpointRouteBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("My membership").RequireAuthorization(Policies.Member);

        me.MapGet("/membership", async (CurrentActor actor, MembershipActions actions, CancellationToken ct) =>
            await actions.ViewAsync(actor.RequireProgram(), actor.RequireMember(), ct) is { } view
                ? Results.Ok(view)
                : Problems.NotFound("Your membership"))
            .Produces<MembershipView>().WithSummary("My plan, status and next charge.");

        me.MapPost("/membership/cancel", (CancelMembershipRequest request, CurrentActor actor, MembershipActions actions, MembersDbContext db, CancellationToken ct) =>
            Act(actor, actions, db, ct, m => actions.CancelAsync(m, request, actor.AuditName, byOperator: false, ct)))
            .Validate<CancelMembershipRequest>().Produces<MembershipView>().WithSummary("Cancels with a reason, effective at the end of the paid period.");

        me.MapPost("/membership/change-plan", (ChangePlanRequest request, CurrentActor actor, MembershipActions actions, MembersDbContext db, CancellationToken ct) =>
            ActWithResult(actor, actions, db, ct, m => actions.ChangePlanAsync(m, request.PlanCode, actor.AuditName, ct)))
            .Validate<ChangePlanRequest>().WithIdempotency().Produces<MembershipView>().WithSummary("Upgrade now (pro rata) or downgrade at the end of the period.");

        me.MapPost("/membership/pause", (CurrentActor actor, MembershipActions actions, MembersDbContext db, TimeProvider clock, CancellationToken ct) =>
            Act(actor, actions, db, ct, m =>
            {
                m.Pause(clock.GetUtcNow(), actor.AuditName);
                return Task.CompletedTask;
            })).Produces<MembershipView>().WithSummary("Pauses benefits and charges; the unused paid days are kept.");

        me.MapPost("/membership/resume", (CurrentActor actor, MembershipActions actions, MembersDbContext db, TimeProvider clock, CancellationToken ct) =>
            Act(actor, actions, db, ct, m =>
            {
                m.Resume(clock.GetUtcNow(), actor.AuditName);
                return Task.CompletedTask;
            })).Produces<MembershipView>().WithSummary("Resumes a paused membership.");

        me.MapPost("/membership/reactivate", (CurrentActor actor, MembershipActions actions, MembersDbContext db, CancellationToken ct) =>
            Act(actor, actions, db, ct, async m =>
            {
                var member = await db.Members.SingleAsync(x => x.Id == m.MemberId, ct);
                await actions.ReactivateAsync(m, member, actor.AuditName, ct);
            })).WithIdempotency().Produces<MembershipView>().WithSummary("Undoes a cancellation, pays what is due, or starts again after the end.");

        me.MapPost("/membership/checkout", async (HttpRequest request, CurrentActor actor, MembershipActions actions, MembersDbContext db,
            Billing.MembershipBilling billing, IOptions<Billing.BillingOptions> options, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var memberId = actor.RequireMember();
            var membership = await actions.LoadAsync(program, memberId, ct);
            var member = await db.Members.SingleOrDefaultAsync(m => m.Id == memberId && m.ProgramId == program && m.ErasedAt == null, ct);
            if (membership is null || member is null)
            {
                return Problems.NotFound("Your membership");
            }

            Billing.IBillingProvider provider;
            if (membership.Status == Contracts.MembershipStatus.PendingPaymentMethod)
            {
                provider = billing.ProviderFor(membership.BillingProvider);
            }
            else if (membership.Status == Contracts.MembershipStatus.Ended)
            {
                if (!await db.Plans.AnyAsync(p => p.Id == membership.PlanId && p.IsCurrent, ct))
                {
                    return Problems.Unprocessable("plan-retired", $"The plan version {membership.Plan.Version} is retired; sign up again for the current '{membership.Plan.Code}' plan.");
                }

                provider = billing.Current;
            }
            else
            {
                return Problems.Conflict("no-payment-needed", $"The membership is {membership.Status}; there is nothing to pay on a payment page.");
            }

            if (membership.Plan.IsFree)
            {
                return Problems.Conflict("no-payment-needed", "The plan is free.");
            }

            var returnBase = string.IsNullOrWhiteSpace(options.Value.Stripe.PortalUrl)
                ? $"{request.Scheme}://{request.Host}"
                : options.Value.Stripe.PortalUrl.TrimEnd('/');
            // Stripe refusing the call is a 502 ProblemDetails (Billing.StripeExceptionHandler).
            var checkout = await provider.CheckoutAsync(member, membership, withTrial: membership.Status == Contracts.MembershipStatus.PendingPaymentMethod, returnBase, ct);
            if (checkout is null)
            {
                return Problems.Conflict("no-payment-page", "This program collects its fees without a payment page.");
            }

            await db.SaveChangesAsync(ct); // the Stripe customer id, when it was created now
            return Results.Ok(checkout);
        }).Produces<Billing.CheckoutView>()
          .WithSummary("Opens Stripe Checkout for a membership waiting for its first payment (or ended, to start again): the member is sent to the returned URL.");

        me.MapGet("/fees", async (CurrentActor actor, MembershipActions actions, CancellationToken ct) =>
            Results.Ok(await actions.FeesAsync(actor.RequireProgram(), actor.RequireMember(), ct)))
            .Produces<List<FeeView>>().WithSummary("My fee history: what was charged, when, with what result.");

        me.MapGet("/export", async (CurrentActor actor, Gdpr.MemberDataExport export, CancellationToken ct) =>
            await export.ExportAsync(actor.RequireProgram(), actor.RequireMember(), ct) is { } data
                ? Results.Ok(data)
                : Problems.NotFound("Your data"))
            .Produces<Gdpr.MemberDataExportDocument>().WithSummary("All my data as JSON (GDPR Art. 15/20).");
    }

    private static Task<IResult> Act(CurrentActor actor, MembershipActions actions, MembersDbContext db, CancellationToken ct, Func<Domain.Membership, Task> change) =>
        ActWithResult(actor, actions, db, ct, async m =>
        {
            await change(m);
            return null;
        });

    private static Task<IResult> ActWithResult(CurrentActor actor, MembershipActions actions, MembersDbContext db, CancellationToken ct, Func<Domain.Membership, Task<IResult?>> change) =>
        MembershipActions.RuleGuard(async () =>
        {
            var program = actor.RequireProgram();
            var memberId = actor.RequireMember();
            var membership = await actions.LoadAsync(program, memberId, ct);
            if (membership is null || !await db.Members.AnyAsync(m => m.Id == memberId && m.ErasedAt == null, ct))
            {
                return Problems.NotFound("Your membership");
            }

            if (await change(membership) is { } problem)
            {
                return problem;
            }

            await db.SaveChangesAsync(ct);
            return Results.Ok(await actions.ViewAsync(program, memberId, ct));
        });
}
