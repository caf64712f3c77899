using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Notifications.Email;
using BenefitProgram.Rewards.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BenefitProgram.IntegrationTests.Notifications;

[Collection(NotificationsCollection.Name)]
public sealed class NotificationMailTests(NotificationsFixture fixture)
{
    private BenefitProgramApp App => fixture.App;

    [Fact]
    public async Task A_new_member_gets_a_branded_welcome_mail_in_English_with_html_and_text_parts_over_smtp()
    {
        var (email, _) = await SignUpAsync("en");

        var mail = Assert.Single(await MailsToAsync(email, 1));
        Assert.StartsWith("Welcome to ", mail.Subject, StringComparison.Ordinal);
        Assert.Equal("service@benefitprogram.example", mail.From.Mailboxes.Single().Address);
        Assert.Contains("Anna Test", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("member number", mail.TextBody, StringComparison.Ordinal);
        Assert.NotNull(mail.HtmlBody);
        Assert.Contains("<p>Hello Anna Test,</p>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("background:#", mail.HtmlBody, StringComparison.Ordinal); // the program's colour
    }

    [Fact]
    public async Task A_German_member_gets_the_mail_in_German()
    {
        var (email, _) = await SignUpAsync("de");

        var mail = Assert.Single(await MailsToAsync(email, 1));
        Assert.StartsWith("Willkommen bei ", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Hallo Anna Test,", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redelivered_event_sends_the_mail_only_once()
    {
        var (email, memberId) = await SignUpAsync("de");
        await MailsToAsync(email, 1);
        var failed = new PaymentFailed(DemoIds.PlusKontoProgram, memberId, Guid.NewGuid(), 690, "EUR", 2, "card_declined", App.Clock.GetUtcNow());

        await App.Harness.Bus.Publish(failed);
        await App.Harness.Bus.Publish(failed); // the same event again (the outbox delivers at least once)

        await Eventually.TrueAsync(() => Received(email).Count >= 2, "the payment-failed mail");
        await Task.Delay(500); // a second mail, were there one, would have arrived by now
        var mails = Received(email);
        Assert.Equal(2, mails.Count); // welcome + one payment-failed
        var dunning = Assert.Single(mails, m => (m.Subject ?? "").Contains("Zahlung", StringComparison.Ordinal));
        Assert.Contains("6,90 EUR", dunning.TextBody, StringComparison.Ordinal);
        Assert.Contains("Versuch 2", dunning.TextBody, StringComparison.Ordinal);

        var log = await LogAsync(await fixture.SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword), "payment-failed");
        var entry = Assert.Single(log, e => e.GetProperty("recipientId").GetGuid() == memberId);
        Assert.Equal("Sent", entry.GetProperty("status").GetString());
        Assert.Equal(1, entry.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_send_that_fails_is_logged_with_its_reason_and_sent_once_when_the_event_is_retried()
    {
        var (email, memberId) = await SignUpAsync("en");
        await MailsToAsync(email, 1);
        var cashback = new CashbackConfirmed(DemoIds.PlusKontoProgram, Guid.NewGuid(), memberId, 1234, "EUR", App.Clock.GetUtcNow());
        var smtp = App.Services.GetRequiredService<IOptionsMonitor<SmtpOptions>>().CurrentValue;
        var operatorClient = await fixture.SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);

        smtp.Port = ClosedPort(); // the mail server is down
        try
        {
            await App.Harness.Bus.Publish(cashback);
            await EventuallyAsync(async () => (await LogAsync(operatorClient, "cashback-confirmed"))
                .Any(e => e.GetProperty("recipientId").GetGuid() == memberId && e.GetProperty("status").GetString() == "Failed"), "a failed attempt");
        }
        finally
        {
            smtp.Port = fixture.SmtpPort;
        }

        var failed = (await LogAsync(operatorClient, "cashback-confirmed")).Single(e => e.GetProperty("recipientId").GetGuid() == memberId);
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("lastError").GetString()));

        await App.Harness.Bus.Publish(cashback); // the bus's retry (or a redelivery) brings it again
        var mails = await MailsToAsync(email, 2);
        Assert.Contains(mails, m => (m.Subject ?? "").Contains("12.34 EUR cashback confirmed", StringComparison.Ordinal));
        await App.Harness.Bus.Publish(cashback);
        await Task.Delay(500);
        Assert.Equal(2, Received(email).Count);
        var sent = (await LogAsync(operatorClient, "cashback-confirmed")).Single(e => e.GetProperty("recipientId").GetGuid() == memberId);
        Assert.Equal("Sent", sent.GetProperty("status").GetString());
        Assert.Equal(2, sent.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task The_notification_log_shows_an_operator_only_the_mails_of_their_program()
    {
        var (_, memberId) = await SignUpAsync("de");
        var own = await fixture.SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await EventuallyAsync(async () => (await LogAsync(own, "welcome")).Any(e => e.GetProperty("recipientId").GetGuid() == memberId), "the welcome mail in the log");

        var other = await fixture.SignInAsync("operator@stadtwerke.example", DemoIds.OperatorPassword);
        Assert.DoesNotContain(await LogAsync(other, null), e => e.GetProperty("recipientId").GetGuid() == memberId);

        var member = fixture.App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await member.GetAsync("/api/v1/ops/notifications")).StatusCode);
    }

    private async Task<(string Email, Guid MemberId)> SignUpAsync(string language)
    {
        var email = $"n-{Guid.NewGuid():N}@example.com";
        var response = await App.CreateClient().PostAsJsonAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/members", new
        {
            firstName = "Anna", lastName = "Test", email, password = AppFixture.TestPassword, street = "Hauptstr. 1", postalCode = "10115",
            city = "Berlin", language, planCode = "plus", externalCustomerNumber = (string?)null, consentMarketing = false,
            consentDataSharing = false, acceptTerms = true,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var memberId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
        await App.DeliverEventsAsync();
        return (email, memberId);
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

    private static async Task<List<JsonElement>> LogAsync(HttpClient client, string? kind)
    {
        var url = "/api/v1/ops/notifications?take=1000" + (kind is null ? "" : $"&kind={kind}");
        return (await client.GetFromJsonAsync<List<JsonElement>>(url))!;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
