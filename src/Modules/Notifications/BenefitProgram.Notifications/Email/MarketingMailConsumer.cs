using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Platform.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Notifications.Email;

/// <summary>
/// Marketing mail: when an offer goes live, the members of its program who consented to marketing and whose plan the
/// offer is for (plan and region) get one "new offer" mail each (category "marketing", with the unsubscribe link). The recipients come
/// from one query (IMemberContacts.ListMarketingRecipientsAsync); each mail is deduplicated per (offer, member), so a
/// redelivered event sends nothing twice and a retry after a failure sends only the missing ones.
/// </summary>
internal sealed class MarketingMailConsumer(
    MemberMailer mailer, IMemberContacts contacts, IOfferDirectory offers, IProgramDirectory programs, IOptionsMonitor<SmtpOptions> smtp,
    ILogger<MarketingMailConsumer> logger) : IConsumer<OfferWentLive>
{
    public async Task Consume(ConsumeContext<OfferWentLive> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!smtp.CurrentValue.Enabled)
        {
            return;
        }

        var offer = await offers.GetAsync(m.OfferId, ct);
        var program = await programs.FindByIdAsync(m.ProgramId, ct);
        if (offer is null || program is null || offer.ProgramId != m.ProgramId)
        {
            logger.LogWarning("New-offer mail: offer {OfferId} or program {ProgramId} not found; nothing sent", m.OfferId, m.ProgramId);
            return;
        }

        // Consenting members on a plan the offer is for (one query), in the offer's regions (postal-code prefixes).
        var recipients = await contacts.ListMarketingRecipientsAsync(m.ProgramId, offer.EligiblePlans, ct);
        foreach (var member in recipients.Where(r => offer.AppliesToPostalCode(r.PostalCode)))
        {
            await mailer.SendMarketingAsync(program, member, MailKinds.NewOffer, $"{m.OfferId:N}",
                lang => new() { ["offer"] = MailTemplates.IsEnglish(lang) ? offer.TitleEn : offer.TitleDe }, ct);
        }
    }
}
