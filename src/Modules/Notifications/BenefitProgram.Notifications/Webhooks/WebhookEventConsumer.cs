using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Reporting.Contracts;
using BenefitProgram.Rewards.Contracts;
using MassTransit;

namespace BenefitProgram.Notifications.Webhooks;

/// <summary>Queues webhook deliveries for the partner events of Catalog, Rewards and Reporting.</summary>
internal sealed class WebhookEventConsumer(WebhookQueue queue) :
    IConsumer<RedemptionRecorded>, IConsumer<PurchaseRecorded>, IConsumer<CashbackConfirmed>, IConsumer<OfferApproved>,
    IConsumer<OfferRejected>, IConsumer<CouponStockLow>, IConsumer<PartnerStatementReady>
{
    public Task Consume(ConsumeContext<RedemptionRecorded> context)
    {
        var m = context.Message;
        return Enqueue(context, m.PartnerId, WebhookEventTypes.RedemptionCreated, $"{m.RedemptionId:N}", new
        {
            redemptionId = m.RedemptionId, programId = m.ProgramId, offerId = m.OfferId, memberId = m.MemberId, kind = m.Kind.ToString(),
            amountMinorUnits = m.AmountMinorUnits, currency = m.Currency, clickId = m.ClickId, occurredAt = m.OccurredAt,
        }, m.OccurredAt);
    }

    public Task Consume(ConsumeContext<PurchaseRecorded> context)
    {
        var m = context.Message;
        return Enqueue(context, m.PartnerId, WebhookEventTypes.PurchaseRecorded, $"{m.PurchaseId:N}", new
        {
            purchaseId = m.PurchaseId, programId = m.ProgramId, offerId = m.OfferId, memberId = m.MemberId, orderReference = m.OrderReference,
            amountMinorUnits = m.AmountMinorUnits, currency = m.Currency, purchasedAt = m.PurchasedAt, serviceDate = m.ServiceDate,
            cashbackMinorUnits = m.CashbackMinorUnits, cashbackState = m.CashbackState, occurredAt = m.OccurredAt,
        }, m.OccurredAt);
    }

    public Task Consume(ConsumeContext<CashbackConfirmed> context)
    {
        var m = context.Message;
        if (m.PartnerId is not { } partnerId)
        {
            return Task.CompletedTask; // an event stored before it named its partner: nobody to tell
        }

        return Enqueue(context, partnerId, WebhookEventTypes.CashbackConfirmed, $"{m.PurchaseId:N}", new
        {
            purchaseId = m.PurchaseId, programId = m.ProgramId, memberId = m.MemberId, cashbackMinorUnits = m.CashbackMinorUnits,
            currency = m.Currency, occurredAt = m.OccurredAt,
        }, m.OccurredAt);
    }

    public Task Consume(ConsumeContext<OfferApproved> context)
    {
        var m = context.Message;
        return Enqueue(context, m.PartnerId, WebhookEventTypes.OfferApproved, $"{m.OfferId:N}:{m.Revision}", new
        {
            offerId = m.OfferId, programId = m.ProgramId, revision = m.Revision, occurredAt = m.OccurredAt,
        }, m.OccurredAt);
    }

    public Task Consume(ConsumeContext<OfferRejected> context)
    {
        var m = context.Message;
        return Enqueue(context, m.PartnerId, WebhookEventTypes.OfferRejected, $"{m.OfferId:N}:{m.Revision}", new
        {
            offerId = m.OfferId, programId = m.ProgramId, revision = m.Revision, comment = m.Comment, occurredAt = m.OccurredAt,
        }, m.OccurredAt);
    }

    public Task Consume(ConsumeContext<CouponStockLow> context)
    {
        var m = context.Message;
        return Enqueue(context, m.PartnerId, WebhookEventTypes.CouponStockLow, $"{m.OfferId:N}:{m.OccurredAt.UtcTicks}", new
        {
            offerId = m.OfferId, programId = m.ProgramId, remaining = m.Remaining, total = m.Total, occurredAt = m.OccurredAt,
        }, m.OccurredAt);
    }

    public Task Consume(ConsumeContext<PartnerStatementReady> context)
    {
        var m = context.Message;
        return Enqueue(context, m.PartnerId, WebhookEventTypes.StatementReady, $"{m.ProgramId:N}:{m.Month:yyyy-MM}", new
        {
            programId = m.ProgramId, month = m.Month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), currency = m.Currency,
            netOwedMinorUnits = m.NetOwedMinorUnits, occurredAt = m.OccurredAt,
        }, m.OccurredAt);
    }

    private Task Enqueue<T>(ConsumeContext<T> context, Guid partnerId, string type, string key, object data, DateTimeOffset occurredAt)
        where T : class =>
        queue.EnqueueAsync(partnerId, type, key, data, occurredAt, context.MessageId ?? Guid.NewGuid(),
            $"{nameof(WebhookEventConsumer)}:{typeof(T).Name}", context.CancellationToken);
}
