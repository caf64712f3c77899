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

    public async Task<MemberEntitlement?> GetAsync(Guid programId, Guid memberId, DateTimeOffset at, CancellationToken ct) =>
        (await GetTimelinesAsync(programId, [memberId], ct)).GetValueOrDefault(memberId)?.At(at);

    /// <summary>
    /// Four queries whatever the number of members (members, memberships with their plan, transitions, older plans); the
    /// status and plan in force at an instant come from the membership's transition history: the last transition at or
    /// before it (ties by id). Past due is in good standing for the dunning grace after the transition, then not.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, MemberEntitlementTimeline>> GetTimelinesAsync(Guid programId, IReadOnlyCollection<Guid> memberIds, CancellationToken ct)
    {
        var ids = memberIds.Distinct().ToArray();
        var rows = await (from m in db.Members.AsNoTracking()
                          join s in db.Memberships.AsNoTracking().Include(x => x.Plan) on m.Id equals s.MemberId
                          where m.ProgramId == programId && ids.Contains(m.Id) && m.ErasedAt == null
                          select new { m, s }).ToListAsync(ct);
        var membershipIds = rows.Select(r => r.s.Id).ToArray();
        var transitions = (await db.Transitions.AsNoTracking().Where(t => membershipIds.Contains(t.MembershipId)).ToListAsync(ct))
            .ToLookup(t => t.MembershipId);
        var otherPlanIds = transitions.SelectMany(g => g).Select(t => t.PlanId).Distinct()
            .Except(rows.Select(r => r.s.PlanId)).ToArray();
        var plans = rows.Select(r => r.s.Plan).DistinctBy(p => p.Id).ToDictionary(p => p.Id);
        if (otherPlanIds.Length > 0)
        {
            foreach (var plan in await db.Plans.AsNoTracking().Where(p => otherPlanIds.Contains(p.Id)).ToListAsync(ct))
            {
                plans[plan.Id] = plan;
            }
        }

        var grace = options.Value.Dunning.Grace;
        var result = new Dictionary<Guid, MemberEntitlementTimeline>(rows.Count);
        foreach (var r in rows)
        {
            var history = transitions[r.s.Id].OrderBy(t => t.At).ThenBy(t => t.Id).ToList();
            var segments = new List<(DateTimeOffset, MemberEntitlement?)>(history.Count + 1);
            for (var i = 0; i < history.Count; i++)
            {
                var t = history[i];
                var plan = t.PlanId == r.s.PlanId ? r.s.Plan : plans[t.PlanId];
                switch (t.ToStatus)
                {
                    case MembershipStatus.Trialing or MembershipStatus.Active or MembershipStatus.Cancelled:
                        segments.Add((t.At, Build(r.m, r.s, plan, t.ToStatus, true)));
                        break;
                    case MembershipStatus.PastDue:
                        segments.Add((t.At, Build(r.m, r.s, plan, t.ToStatus, true)));
                        var graceEnds = t.At + grace;
                        if (i == history.Count - 1 || history[i + 1].At > graceEnds)
                        {
                            segments.Add((graceEnds, Build(r.m, r.s, plan, t.ToStatus, false)));
                        }

                        break;
                    default:
                        segments.Add((t.At, Build(r.m, r.s, plan, t.ToStatus, false)));
                        break;
                }
            }

            result[r.m.Id] = new MemberEntitlementTimeline(segments);
        }

        return result;
    }

    public async Task<IReadOnlyDictionary<string, Guid>> FindMemberIdsByNumberAsync(Guid programId, IReadOnlyCollection<string> memberNumbers, CancellationToken ct)
    {
        var numbers = memberNumbers.Distinct(StringComparer.Ordinal).ToArray();
        return await db.Members.AsNoTracking().Where(m => m.ProgramId == programId && numbers.Contains(m.MemberNumber) && m.ErasedAt == null)
            .Select(m => new { m.MemberNumber, m.Id })
            .ToDictionaryAsync(m => m.MemberNumber, m => m.Id, StringComparer.Ordinal, ct);
    }

    public async Task<Guid?> FindMemberIdByNumberAsync(Guid programId, string memberNumber, CancellationToken ct) =>
        await db.Members.AsNoTracking().Where(m => m.ProgramId == programId && m.MemberNumber == memberNumber && m.ErasedAt == null)
            .Select(m => (Guid?)m.Id).SingleOrDefaultAsync(ct);

    private static MemberEntitlement Build(Member m, Membership s, Plan plan, MembershipStatus status, bool good) =>
        new(m.Id, m.ProgramId, m.MemberNumber, s.Id, plan.Id, plan.Code, plan.Version, status, good, m.PostalCode, m.Language,
            plan.OfferCategories, plan.BenefitKinds, plan.CashbackMultiplierPercent, plan.RefundCaps, m.SignedUpAt, s.CurrentPeriodEnd);
}
