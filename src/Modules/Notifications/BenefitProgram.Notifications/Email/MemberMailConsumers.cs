using System.Globalization;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Rewards.Contracts;
using MassTransit;

namespace BenefitProgram.Notifications.Email;

/// <summary>Member mails of the Members module's events: welcome, trial ending, dunning steps, cancellation (with the benefit statement).</summary>
internal sealed class MembershipMailConsumer(MemberMailer mailer, IMemberBenefitStatement statements) :
    IConsumer<MemberSignedUp>, IConsumer<TrialEnding>, IConsumer<PaymentFailed>, IConsumer<MembershipSuspended>, IConsumer<MembershipEnded>,
    IConsumer<MembershipCancelled>
{
    public Task Consume(ConsumeContext<TrialEnding> context)
    {
        var m = context.Message;
        // One mail per trial end (a trial started again is a new end).
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.TrialEnding, $"{m.MembershipId:N}:{m.TrialEndsAt.UtcTicks}",
            lang => new()
            {
                ["trialEndsAt"] = MailTemplates.Date(m.TrialEndsAt, lang),
                ["plan"] = m.PlanCode,
                ["price"] = MailTemplates.Money(m.PriceMinorUnits, m.Currency, lang),
            }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<MemberSignedUp> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.Welcome, m.MembershipId.ToString("N"),
            _ => new() { ["memberNumber"] = m.MemberNumber, ["plan"] = m.PlanCode }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<PaymentFailed> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.PaymentFailed, $"{m.MembershipId:N}:{m.Attempt}:{m.OccurredAt.UtcTicks}",
            lang => new()
            {
                ["amount"] = MailTemplates.Money(m.AmountMinorUnits, m.Currency, lang),
                ["attempt"] = m.Attempt.ToString(CultureInfo.InvariantCulture),
            }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<MembershipSuspended> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.MembershipSuspended, $"{m.MembershipId:N}:{m.OccurredAt.UtcTicks}",
            _ => [], context.CancellationToken);
    }

    public Task Consume(ConsumeContext<MembershipEnded> context)
    {
        var m = context.Message;
        if (m.Kind != EndKind.Involuntary)
        {
            return Task.CompletedTask; // a voluntary end was confirmed when the member cancelled
        }

        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.MembershipEndedUnpaid, $"{m.MembershipId:N}", _ => [], context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<MembershipCancelled> context)
    {
        var m = context.Message;
        // The member's benefit statement over the whole membership (Rewards): fees paid against what came back.
        var summaries = await statements.GetAsync(m.ProgramId, m.MemberId, context.CancellationToken);
        string Sum(Func<MemberBenefitSummary, long> figure, string lang) => summaries.Count == 0
            ? MailTemplates.Money(0, "EUR", lang)
            : string.Join(" + ", summaries.Select(s => MailTemplates.Money(figure(s), s.Currency, lang)));
        await mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.CancellationConfirmed, $"{m.MembershipId:N}:{m.OccurredAt.UtcTicks}",
            lang => new()
            {
                ["effectiveAt"] = MailTemplates.Date(m.EffectiveAt, lang),
                ["feesPaid"] = Sum(s => s.FeesPaidMinorUnits, lang),
                ["cashback"] = Sum(s => s.CashbackMinorUnits, lang),
                ["refunds"] = Sum(s => s.RefundsMinorUnits, lang),
                ["adjustments"] = Sum(s => s.AdjustmentsMinorUnits, lang),
                ["received"] = Sum(s => s.TotalReceivedMinorUnits, lang),
            }, context.CancellationToken);
    }
}

/// <summary>Member mails of the Rewards module's events: cashback, payout, claim decision, found keys.</summary>
internal sealed class RewardsMailConsumer(MemberMailer mailer) :
    IConsumer<CashbackConfirmed>, IConsumer<PayoutCompleted>, IConsumer<ClaimApproved>, IConsumer<ClaimRejected>, IConsumer<KeyTagFound>
{
    public Task Consume(ConsumeContext<CashbackConfirmed> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.CashbackConfirmed, $"{m.PurchaseId:N}",
            lang => new() { ["amount"] = MailTemplates.Money(m.CashbackMinorUnits, m.Currency, lang) }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<PayoutCompleted> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.PayoutCompleted, $"{m.PayoutLineId:N}",
            lang => new() { ["amount"] = MailTemplates.Money(m.AmountMinorUnits, m.Currency, lang) }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ClaimApproved> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.ClaimApproved, $"{m.ClaimId:N}",
            lang => new() { ["amount"] = MailTemplates.Money(m.ApprovedMinorUnits, m.Currency, lang), ["refundKind"] = m.RefundKind },
            context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ClaimRejected> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.ClaimRejected, $"{m.ClaimId:N}",
            _ => new() { ["refundKind"] = m.RefundKind, ["reason"] = m.Reason }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<KeyTagFound> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.MemberId, MailKinds.KeyFound, $"{m.ReportId:N}", _ => [], context.CancellationToken);
    }
}
