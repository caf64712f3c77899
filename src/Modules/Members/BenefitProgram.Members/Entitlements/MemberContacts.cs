using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.Entitlements;

/// <summary>Contact data for notifications; an erased member has none.</summary>
internal sealed class MemberContacts(MembersDbContext db) : IMemberContacts
{
    public async Task<MemberContact?> GetAsync(Guid programId, Guid memberId, CancellationToken ct)
    {
        var m = await db.Members.AsNoTracking()
            .Where(x => x.Id == memberId && x.ProgramId == programId)
            .Select(x => new { x.Id, x.ProgramId, x.Email, x.FirstName, x.LastName, x.Language, x.ConsentMarketing, x.ErasedAt })
            .SingleOrDefaultAsync(ct);
        if (m is null)
        {
            return null;
        }

        var erased = m.ErasedAt is not null;
        var name = string.Join(' ', new[] { m.FirstName, m.LastName }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return new MemberContact(m.Id, m.ProgramId, erased ? null : m.Email, erased || name.Length == 0 ? null : name, m.Language,
            !erased && m.ConsentMarketing, erased);
    }

    public async Task<IReadOnlyList<MemberContact>> ListMarketingRecipientsAsync(Guid programId, IReadOnlyCollection<string> planCodes, CancellationToken ct)
    {
        MembershipStatus[] withBenefits = [MembershipStatus.Trialing, MembershipStatus.Active, MembershipStatus.PastDue, MembershipStatus.Cancelled];
        var rows = await (from m in db.Members.AsNoTracking()
                          join ms in db.Memberships.AsNoTracking() on m.Id equals ms.MemberId
                          where m.ProgramId == programId && m.ConsentMarketing && m.ErasedAt == null && m.Email != null
                                && withBenefits.Contains(ms.Status) && (planCodes.Count == 0 || planCodes.Contains(ms.Plan.Code))
                          orderby m.Id
                          select new { m.Id, m.Email, m.FirstName, m.LastName, m.Language, m.PostalCode }).ToListAsync(ct);
        return rows.Select(m => new MemberContact(m.Id, programId, m.Email,
                string.Join(' ', new[] { m.FirstName, m.LastName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } n ? n : null,
                m.Language, true, false, m.PostalCode))
            .ToList();
    }
}
