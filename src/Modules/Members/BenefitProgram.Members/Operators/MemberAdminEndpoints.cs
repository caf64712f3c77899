using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Gdpr;
using BenefitProgram.Members.MyMembership;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Members.Plans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.Operators;

public sealed record MemberSummary(Guid Id, string MemberNumber, string? ExternalCustomerNumber, string? Name, string? Email, string? PostalCode,
    string PlanCode, MembershipStatus Status, DateTimeOffset SignedUpAt, bool Erased);

public sealed record MemberSearchResult(int Total, int Page, int PageSize, IReadOnlyList<MemberSummary> Items);

public sealed record AuditEntryView(string Actor, string Action, string? Detail, DateTimeOffset At);

public sealed record MemberDetails(MemberSummary Member, PersonalData? Personal, MembershipView? Membership, IReadOnlyList<TransitionView> History,
    IReadOnlyList<FeeView> Fees, IReadOnlyList<AuditEntryView> Audit);

public sealed record BillingSimulationRequest(bool FailPayments);

internal static class MemberAdminEndpoints
{
    public static void MapMemberAdmin(this IEndpointRouteBuilder api)
    {
        var ops = api.MapGroup("/ops/members").WithTags("Members (operator)").RequireAuthorization(Policies.Operator);

        ops.MapGet("", async (string? query, MembershipStatus? status, int? page, int? pageSize, CurrentActor actor, MembersDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var size = Math.Clamp(pageSize ?? 25, 1, 200);
            var p = Math.Max(page ?? 1, 1);
            var q = from m in db.Members.AsNoTracking()
                    join s in db.Memberships.AsNoTracking() on m.Id equals s.MemberId
                    where m.ProgramId == program
                    select new { m, s, s.Plan.Code };
            if (!string.IsNullOrWhiteSpace(query))
            {
                var like = "%" + query.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
                q = q.Where(x => EF.Functions.ILike(x.m.MemberNumber, like) || EF.Functions.ILike(x.m.Email!, like) || EF.Functions.ILike(x.m.LastName!, like)
                    || EF.Functions.ILike(x.m.FirstName!, like) || EF.Functions.ILike(x.m.ExternalCustomerNumber!, like) || x.m.PostalCode == query.Trim());
            }

            if (status is { } st)
            {
                q = q.Where(x => x.s.Status == st);
            }

            var total = await q.CountAsync(ct);
            var rows = await q.OrderBy(x => x.m.LastName).ThenBy(x => x.m.MemberNumber).Skip((p - 1) * size).Take(size).ToListAsync(ct);
            return Results.Ok(new MemberSearchResult(total, p, size, rows.Select(x => Summary(x.m, x.s, x.Code)).ToList()));
        }).Produces<MemberSearchResult>().WithSummary("Searches members by name, e-mail, member or customer number, postal code; filters by status.");

        ops.MapGet("/{id:guid}", async (Guid id, CurrentActor actor, MembersDbContext db, MembershipActions actions, MemberDataExport export, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var member = await db.Members.AsNoTracking().SingleOrDefaultAsync(m => m.ProgramId == program && m.Id == id, ct);
            var membership = await db.Memberships.AsNoTracking().Include(m => m.Plan).SingleOrDefaultAsync(m => m.ProgramId == program && m.MemberId == id, ct);
            if (member is null || membership is null)
            {
                return Problems.NotFound("The member");
            }

            var data = await export.ExportAsync(program, id, ct);
            var audit = await db.AuditLog.AsNoTracking().Where(a => a.ProgramId == program && a.MemberId == id).OrderBy(a => a.At)
                .Select(a => new AuditEntryView(a.Actor, a.Action, a.Detail, a.At)).ToListAsync(ct);
            return Results.Ok(new MemberDetails(Summary(member, membership, membership.Plan.Code), data?.Personal, data?.Membership,
                await actions.HistoryAsync(program, id, ct), await actions.FeesAsync(program, id, ct), audit));
        }).Produces<MemberDetails>().WithSummary("A member with membership, life-cycle history, fees and the support audit trail.");

        ops.MapPost("/{id:guid}/cancel", (Guid id, CancelMembershipRequest request, CurrentActor actor, MembersDbContext db, MembershipActions actions, TimeProvider clock, CancellationToken ct) =>
            OnBehalf(id, actor, db, actions, clock, "membership-cancelled", $"{request.Reason}: {request.Comment}", ct,
                m => actions.CancelAsync(m, request, actor.AuditName, byOperator: true, ct)))
            .Validate<CancelMembershipRequest>().Produces<MembershipView>().WithSummary("Cancels on behalf of a member (audit-logged).");

        ops.MapPost("/{id:guid}/reactivate", (Guid id, CurrentActor actor, MembersDbContext db, MembershipActions actions, TimeProvider clock, CancellationToken ct) =>
            OnBehalf(id, actor, db, actions, clock, "membership-reactivated", null, ct, async m =>
            {
                var member = await db.Members.SingleAsync(x => x.Id == m.MemberId, ct);
                await actions.ReactivateAsync(m, member, actor.AuditName, ct);
            })).WithIdempotency().Produces<MembershipView>().WithSummary("Reactivates on behalf of a member (audit-logged).");

        ops.MapPost("/{id:guid}/billing-simulation", (Guid id, BillingSimulationRequest request, CurrentActor actor, MembersDbContext db, MembershipActions actions, TimeProvider clock, CancellationToken ct) =>
            OnBehalf(id, actor, db, actions, clock, "billing-simulation", $"failPayments={request.FailPayments}", ct, m =>
            {
                if (m.BillingProvider != OfflineBillingProvider.ProviderName)
                {
                    throw new Domain.MembershipRuleException("simulation-offline-only", "Payment failures can only be simulated for memberships billed offline.");
                }

                m.SetPaymentFailureSimulation(request.FailPayments);
                return Task.CompletedTask;
            })).Produces<MembershipView>().WithSummary("Offline billing only: makes this member's charges fail (demo and tests).");

        ops.MapDelete("/{id:guid}", async (Guid id, CurrentActor actor, MemberErasure erasure, CancellationToken ct) =>
            await erasure.EraseAsync(actor.RequireProgram(), id, actor.AuditName, ct) ? Results.NoContent() : Problems.NotFound("The member"))
            .WithSummary("Erases a member's personal data (GDPR); fees and history stay under the pseudonymous id.");

        ops.MapPost("/run-billing", async (CurrentActor actor, BillingRunJob job, CancellationToken ct) =>
            Results.Ok(await job.RunAsync(actor.RequireProgram(), ct)))
            .Produces<BillingRunReport>().WithSummary("Runs the nightly billing for this program now (renewals, trials, dunning, period ends).");
    }

    private static MemberSummary Summary(Domain.Member m, Domain.Membership s, string planCode) =>
        new(m.Id, m.MemberNumber, m.ExternalCustomerNumber, m.IsErased ? null : $"{m.FirstName} {m.LastName}", m.Email, m.PostalCode, planCode, s.Status, m.SignedUpAt, m.IsErased);

#pragma warning disable CA1068
    private static Task<IResult> OnBehalf(Guid id, CurrentActor actor, MembersDbContext db, MembershipActions actions, TimeProvider clock, string action, string? detail,
        CancellationToken ct, Func<Domain.Membership, Task> change) =>
#pragma warning restore CA1068
        MembershipActions.RuleGuard(async () =>
        {
            var program = actor.RequireProgram();
            var membership = await actions.LoadAsync(program, id, ct);
            if (membership is null || !await db.Members.AnyAsync(m => m.Id == id && m.ErasedAt == null, ct))
            {
                return Problems.NotFound("The member");
            }

            await change(membership);
            PlanEndpoints.Audit(db, actor, program, action, detail, clock, id);
            await db.SaveChangesAsync(ct);
            return Results.Ok(await actions.ViewAsync(program, id, ct));
        });
}
