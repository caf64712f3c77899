using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Members.Entitlements;

internal sealed class MemberEntitlements(MembersDbContext db, IOptions<BillingOptions> options, TimeProvider clock) : IMemberEntitlements
{
    public async Task<MemberEntitlement?> GetAsync(Guid programId, Guid memberId, CancellationToken ct) =>
        (await GetManyAsync(programId, [memberId], ct)).GetValueOrDefault(memberId);

    public async Task<IReadOnlyDictionary<Guid, MemberEntitlement>> GetManyAsync(Guid programId, IReadOnlyCollection<Guid> memberIds, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await (from m in db.Members.AsNoTracking()
                          join s in db.Memberships.AsNoTracking().Include(x => x.Plan) on m.Id equals s.MemberId
                          where m.ProgramId == programId && memberIds.Contains(m.Id) && m.ErasedAt == null
                          select new { m, s }).ToListAsync(ct);
        return rows.ToDictionary(r => r.m.Id, r => Build(r.m, r.s, r.s.Plan, r.s.Status, r.s.IsInGoodStanding(now, options.Value.Dunning.Grace)));
    }

    public async Task<MemberEntitlement?> GetAsync(Guid programId, Guid memberId, DateTimeOffset at, CancellationToken ct)
    {
        var member = await db.Members.AsNoTracking().SingleOrDefaultAsync(m => m.ProgramId == programId && m.Id == memberId && m.ErasedAt == null, ct);
        var membership = await db.Memberships.AsNoTracking().Include(x => x.Plan).SingleOrDefaultAsync(m => m.MemberId == memberId, ct);
        if (member is null || membership is null)
        {
            return null;
        }

        var last = await db.Transitions.AsNoTracking().Where(t => t.MembershipId == membership.Id && t.At <= at)
            .OrderByDescending(t => t.At).ThenByDescending(t => t.Id).FirstOrDefaultAsync(ct);
        if (last is null)
        {
            return null;
        }

        var plan = last.PlanId == membership.PlanId ? membership.Plan : await db.Plans.AsNoTracking().SingleAsync(p => p.Id == last.PlanId, ct);
        var good = last.ToStatus switch
        {
            MembershipStatus.Trialing or MembershipStatus.Active or MembershipStatus.Cancelled => true,
            MembershipStatus.PastDue => at < last.At + options.Value.Dunning.Grace,
            _ => false,
        };
        return Build(member, membership, plan, last.ToStatus, good);
    }

    public async Task<Guid?> FindMemberIdByNumberAsync(Guid programId, string memberNumber, CancellationToken ct) =>
        await db.Members.AsNoTracking().Where(m => m.ProgramId == programId && m.MemberNumber == memberNumber && m.ErasedAt == null)
            .Select(m => (Guid?)m.Id).SingleOrDefaultAsync(ct);

    private static MemberEntitlement Build(Member m, Membership s, Plan plan, MembershipStatus status, bool good) =>
        new(m.Id, m.ProgramId, m.MemberNumber, s.Id, plan.Id, plan.Code, plan.Version, status, good, m.PostalCode, m.Language,
            plan.OfferCategories, plan.BenefitKinds, plan.CashbackMultiplierPercent, plan.RefundCaps, m.SignedUpAt, s.CurrentPeriodEnd);
}
