using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.Entitlements;

/// <summary>Consent changes asked for by other modules; each change is written to the audit log with its source.</summary>
internal sealed class MemberConsents(MembersDbContext db, TimeProvider clock) : IMemberConsents
{
    public async Task<bool> WithdrawMarketingConsentAsync(Guid programId, Guid memberId, string source, CancellationToken ct)
    {
        var member = await db.Members.SingleOrDefaultAsync(m => m.Id == memberId && m.ProgramId == programId, ct);
        if (member is null)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        if (member.WithdrawMarketingConsent(now))
        {
            db.AuditLog.Add(new OperatorAuditEntry
            {
                ProgramId = programId, MemberId = memberId, Actor = source, Action = "marketing-consent-withdrawn",
                Detail = "Marketing consent withdrawn", At = now,
            });
            await db.SaveChangesAsync(ct);
        }

        return true;
    }
}
