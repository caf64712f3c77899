using BenefitProgram.Members.Contracts;
using BenefitProgram.Rewards.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Rewards.Statements;

/// <summary>Keeps the fees members paid (for the yearly benefit statement). Idempotent by the fee id.</summary>
internal sealed class FeeChargedConsumer(RewardsDbContext db) : IConsumer<FeeCharged>
{
    public async Task Consume(ConsumeContext<FeeCharged> context)
    {
        var m = context.Message;
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO rewards.member_fees (fee_id, program_id, member_id, amount_minor, currency, charged_at) VALUES ({m.FeeId}, {m.ProgramId}, {m.MemberId}, {m.AmountMinorUnits}, {m.Currency}, {m.OccurredAt}) ON CONFLICT DO NOTHING",
            context.CancellationToken);
    }
}
