using System.Text;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Reporting.Contracts;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BenefitProgram.IntegrationTests.Notifications;

/// <summary>Partner mails over real SMTP (netDumbster): to the partner's admin users only, once per event and recipient.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class PartnerMailTests(NotificationsFixture fixture)
{
    private BenefitProgramApp App => fixture.App;

    [Fact]
    public async Task A_rejected_offer_mails_the_operators_comment_to_the_partners_admins_only_and_only_once()
    {
        var partnerId = Guid.NewGuid();
        var admin = await PartnerUserAsync(partnerId, PartnerUserRole.Admin);
        var secondAdmin = await PartnerUserAsync(partnerId, PartnerUserRole.Admin);
        var editor = await PartnerUserAsync(partnerId, PartnerUserRole.Editor);
        var rejected = new OfferRejected(Guid.NewGuid(), partnerId, DemoIds.PlusKontoProgram, 2, "Bitte den Preis <inkl. MwSt.> angeben", App.Clock.GetUtcNow());

        await App.Harness.Bus.Publish(rejected);
        await App.Harness.Bus.Publish(rejected); // redelivered

        var mail = Assert.Single(await MailsToAsync(admin, 1));
        await MailsToAsync(secondAdmin, 1);
        Assert.Contains("abgelehnt", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Kommentar: Bitte den Preis <inkl. MwSt.> angeben", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Bitte den Preis &lt;inkl. MwSt.&gt; angeben", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("als Partner von", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("(Version 2)", mail.TextBody, StringComparison.Ordinal);
        await Task.Delay(500); // a duplicate, were there one, would have arrived by now
        Assert.Single(Received(admin));
        Assert.Empty(Received(editor));
    }

    [Fact]
    public async Task Approval_low_stock_and_a_ready_statement_each_mail_the_partner()
    {
        var partnerId = Guid.NewGuid();
        var admin = await PartnerUserAsync(partnerId, PartnerUserRole.Admin);
        var now = App.Clock.GetUtcNow();

        await App.Harness.Bus.Publish(new OfferApproved(Guid.NewGuid(), partnerId, DemoIds.PlusKontoProgram, 1, now));
        await App.Harness.Bus.Publish(new CouponStockLow(Guid.NewGuid(), partnerId, DemoIds.PlusKontoProgram, 9, 100, now));
        await App.Harness.Bus.Publish(new PartnerStatementReady(DemoIds.PlusKontoProgram, partnerId, new DateOnly(2026, 11, 1), "EUR", 123_456, now));

        var mails = await MailsToAsync(admin, 3);
        Assert.Contains(mails, m => (m.Subject ?? "").Contains("freigegeben", StringComparison.Ordinal));
        var stock = Assert.Single(mails, m => (m.Subject ?? "").Contains("Gutscheincodes", StringComparison.Ordinal));
        Assert.Contains("nur noch 9 von 100", stock.TextBody, StringComparison.Ordinal);
        var statement = Assert.Single(mails, m => (m.Subject ?? "").Contains("Abrechnung für November 2026", StringComparison.Ordinal));
        Assert.Contains("1.234,56 EUR", statement.TextBody, StringComparison.Ordinal);
        Assert.Contains("background:#", statement.HtmlBody, StringComparison.Ordinal); // branded like the member mails
    }

    private async Task<string> PartnerUserAsync(Guid partnerId, PartnerUserRole role)
    {
        var email = $"p-{Guid.NewGuid():N}@partner.example";
        await using var scope = App.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
            .CreatePartnerUserAsync(partnerId, email, AppFixture.TestPassword, role, CancellationToken.None);
        Assert.True(result.Succeeded);
        return email;
    }

    private List<MimeMessage> Received(string email) =>
        fixture.Smtp.ReceivedEmail
            .Where(m => m.ToAddresses.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase)))
            .Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))))
            .ToList();

    private async Task<List<MimeMessage>> MailsToAsync(string email, int count)
    {
        await Eventually.TrueAsync(() => Received(email).Count >= count, $"{count} mail(s) to {email}");
        return Received(email);
    }
}
