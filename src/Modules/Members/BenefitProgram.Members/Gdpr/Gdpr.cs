using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.MyMembership;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Platform.Contracts;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.Gdpr;

public sealed record PersonalData(
    string MemberNumber, string? ExternalCustomerNumber, string? FirstName, string? LastName, string? Email, string? Street,
    string? PostalCode, string? City, string Country, string Language, bool ConsentMarketing, bool ConsentDataSharing,
    DateTimeOffset? ConsentsChangedAt, string SignUpChannel, DateTimeOffset SignedUpAt);

public sealed record MemberDataExportDocument(
    DateTimeOffset ExportedAt, Guid MemberId, Guid ProgramId, PersonalData Personal, MembershipView? Membership,
    IReadOnlyList<TransitionView> History, IReadOnlyList<FeeView> Fees);

internal sealed class MemberDataExport(MembersDbContext db, MembershipActions actions, TimeProvider clock)
{
    public async Task<MemberDataExportDocument?> ExportAsync(Guid programId, Guid memberId, CancellationToken ct)
    {
        var m = await db.Members.AsNoTracking().SingleOrDefaultAsync(x => x.ProgramId == programId && x.Id == memberId && x.ErasedAt == null, ct);
        if (m is null)
        {
            return null;
        }

        var personal = new PersonalData(m.MemberNumber, m.ExternalCustomerNumber, m.FirstName, m.LastName, m.Email, m.Street, m.PostalCode, m.City,
            m.Country, m.Language, m.ConsentMarketing, m.ConsentDataSharing, m.ConsentsChangedAt, m.Channel.ToString(), m.SignedUpAt);
        return new MemberDataExportDocument(clock.GetUtcNow(), m.Id, m.ProgramId, personal, await actions.ViewAsync(programId, memberId, ct),
            await actions.HistoryAsync(programId, memberId, ct), await actions.FeesAsync(programId, memberId, ct));
    }
}

/// <summary>
/// Erases a member (GDPR Art. 17): personal data removed from the member row, free-text comments removed from the history,
/// the membership ended, the sign-in deleted. Fees and transitions stay under the member id, which is now a surrogate
/// with no person behind it, so sums and churn figures stay correct.
/// </summary>
internal sealed class MemberErasure(MembersDbContext db, MembershipBilling billing, IUserAccounts accounts, TimeProvider clock)
{
    public async Task<bool> EraseAsync(Guid programId, Guid memberId, string actor, CancellationToken ct)
    {
        var member = await db.Members.SingleOrDefaultAsync(m => m.ProgramId == programId && m.Id == memberId && m.ErasedAt == null, ct);
        if (member is null)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var membership = await db.Memberships.Include(m => m.Plan).SingleOrDefaultAsync(m => m.MemberId == memberId, ct);
        if (membership is not null && membership.Status != MembershipStatus.Ended)
        {
            await billing.ProviderFor(membership.BillingProvider).EndNowAsync(membership, ct);
            membership.End(EndKind.Voluntary, "erased", now, actor);
        }

        member.Erase(now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.AuditLog.Add(new Domain.OperatorAuditEntry { ProgramId = programId, MemberId = memberId, Actor = actor, Action = "member-erased", At = now });
        db.Publish(new MemberErased(programId, memberId, now), now);
        await db.SaveChangesAsync(ct);
        await db.Transitions.Where(t => t.MemberId == memberId).ExecuteUpdateAsync(s => s.SetProperty(t => t.ReasonText, (string?)null), ct);
        await db.Memberships.Where(m => m.MemberId == memberId).ExecuteUpdateAsync(s => s.SetProperty(m => m.CancellationReasonText, (string?)null), ct);
        // Support comments may quote the person; the audit rows keep who did what and when.
        await db.AuditLog.Where(a => a.MemberId == memberId && a.Detail != null).ExecuteUpdateAsync(s => s.SetProperty(a => a.Detail, (string?)null), ct);
        await tx.CommitAsync(ct);
        await accounts.DeleteMemberAsync(memberId, ct);
        return true;
    }
}
