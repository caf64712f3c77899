using System.Globalization;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Reporting.Contracts;
using MassTransit;

namespace BenefitProgram.Notifications.Email;

/// <summary>Partner mails: offer approved or rejected (with the operator's comment), low coupon stock, monthly statement ready.</summary>
internal sealed class PartnerMailConsumer(PartnerMailer mailer, IOfferDirectory offers) :
    IConsumer<OfferApproved>, IConsumer<OfferRejected>, IConsumer<CouponStockLow>, IConsumer<PartnerStatementReady>
{
    public Task Consume(ConsumeContext<OfferApproved> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.PartnerId, MailKinds.OfferApproved, $"{m.OfferId:N}:{m.Revision}",
            async lang => new()
            {
                ["offer"] = await TitleAsync(m.OfferId, lang, context.CancellationToken),
                ["revision"] = m.Revision.ToString(CultureInfo.InvariantCulture),
            }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<OfferRejected> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.PartnerId, MailKinds.OfferRejected, $"{m.OfferId:N}:{m.Revision}",
            async lang => new()
            {
                ["offer"] = await TitleAsync(m.OfferId, lang, context.CancellationToken),
                ["revision"] = m.Revision.ToString(CultureInfo.InvariantCulture),
                ["comment"] = m.Comment,
            }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<CouponStockLow> context)
    {
        var m = context.Message;
        // The pool may run low again after new codes were uploaded: one mail per time it crosses the threshold.
        return mailer.SendAsync(m.ProgramId, m.PartnerId, MailKinds.CouponStockLow, $"{m.OfferId:N}:{m.OccurredAt.UtcTicks}",
            async lang => new()
            {
                ["offer"] = await TitleAsync(m.OfferId, lang, context.CancellationToken),
                ["remaining"] = m.Remaining.ToString(CultureInfo.InvariantCulture),
                ["total"] = m.Total.ToString(CultureInfo.InvariantCulture),
            }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<PartnerStatementReady> context)
    {
        var m = context.Message;
        return mailer.SendAsync(m.ProgramId, m.PartnerId, MailKinds.StatementReady, $"{m.ProgramId:N}:{m.Month:yyyy-MM}",
            lang => Task.FromResult(new Dictionary<string, string>
            {
                ["month"] = MailTemplates.Month(m.Month, lang),
                ["amount"] = MailTemplates.Money(m.NetOwedMinorUnits, m.Currency, lang),
            }), context.CancellationToken);
    }

    private async Task<string> TitleAsync(Guid offerId, string language, CancellationToken ct)
    {
        var offer = await offers.GetAsync(offerId, ct);
        return offer is null ? offerId.ToString() : MailTemplates.IsEnglish(language) ? offer.TitleEn : offer.TitleDe;
    }
}
