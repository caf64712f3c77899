using BenefitProgram.Members.Contracts;
using BenefitProgram.Rewards.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Rewards.Gdpr;

/// <summary>
/// When a member is erased, Rewards removes the personal data it holds: receipt files (they carry names and addresses),
/// key tags with their labels, and what finders wrote. Money stays: purchases, claims and the ledger keep the member id
/// as a surrogate, so balances and past reports do not change. Running it twice changes nothing.
/// </summary>
internal sealed class MemberErasedConsumer(RewardsDbContext db, TimeProvider clock) : IConsumer<MemberErased>
{
    public async Task Consume(ConsumeContext<MemberErased> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.TryMarkProcessedAsync(context.MessageId ?? Guid.NewGuid(), nameof(MemberErasedConsumer), clock.GetUtcNow(), ct))
        {
            return;
        }

        var claims = db.Claims.Where(c => c.ProgramId == m.ProgramId && c.MemberId == m.MemberId).Select(c => c.Id);
        await db.ClaimReceipts.Where(r => claims.Contains(r.ClaimId))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Data, Array.Empty<byte>()).SetProperty(r => r.FileName, "erased").SetProperty(r => r.Size, 0L), ct);
        await db.KeyTags.Where(t => t.ProgramId == m.ProgramId && t.MemberId == m.MemberId).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }
}
