using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.IntegrationTests.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Notifications;

/// <summary>
/// Issue 10 part 1, the rest of the member mails over real SMTP (netDumbster): the trial-ending mail of the night, the
/// cancellation mail with the member's benefit statement, and the marketing mail with consent and its unsubscribe link.
/// </summary>
[Collection(NotificationsCollection.Name)]
public sealed class MemberMailTests(NotificationsFixture fixture)
{
    private BenefitProgramApp App => fixture.App;

    [Fact]
    public async Task A_member_whose_trial_ends_in_three_days_gets_one_mail_even_when_the_night_runs_twice()
    {
        var (email, memberId) = await SignUpAsync("plus", "en", consentMarketing: false);
        await MailsToAsync(email, 1); // welcome
        App.Clock.Advance(TimeSpan.FromDays(27) + TimeSpan.FromHours(1)); // the 30-day trial ends in a bit less than 3 days

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var step = scope.ServiceProvider.GetServices<INightlyJob>().Single(j => j.Name == "members:trial-ending");
            var night = DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime).AddDays(-1);
            Assert.True(await step.RunAsync(night, CancellationToken.None) >= 1);
            Assert.Equal(0, await step.RunAsync(night, CancellationToken.None)); // the same night again
            Assert.Equal(0, await step.RunAsync(night.AddDays(1), CancellationToken.None)); // and the next one
        }

        Assert.Equal(1, await ScalarAsync(
            $"SELECT count(*) FROM members.outbox_messages WHERE type LIKE '%TrialEnding%' AND payload->>'memberId' = '{memberId}'"));
        await App.DeliverEventsAsync();
        var mails = await MailsToAsync(email, 2);
        var trial = Assert.Single(mails, m => (m.Subject ?? "").Contains("your trial ends on", StringComparison.Ordinal));
        Assert.Contains("6.90 EUR", trial.TextBody, StringComparison.Ordinal);
        Assert.Contains("plan plus", trial.TextBody, StringComparison.Ordinal);
        Assert.Null(trial.Headers[HeaderId.ListUnsubscribe]); // transactional

        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<INightRunner>().RunNightAsync(DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime), CancellationToken.None);
        }

        await App.DeliverEventsAsync();
        await Task.Delay(500); // a second mail, were there one, would have arrived by now
        Assert.Single(Received(email), m => (m.Subject ?? "").Contains("your trial ends on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cancellation_mail_shows_the_fees_paid_and_the_cashback_received()
    {
        var (email, memberId) = await SignUpAsync("premium", "de", consentMarketing: false); // no trial: the first fee (12.90) at once
        await MailsToAsync(email, 1);
        await Eventually.TrueAsync(() => ScalarAsync($"SELECT count(*) FROM rewards.member_fees WHERE member_id = '{memberId}'").Result == 1,
            "the fee reached rewards");
        await ConfirmedCashbackAsync(memberId, 2_500);

        var member = await fixture.SignInAsync(email, AppFixture.TestPassword);
        var cancelled = await member.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "too-expensive", comment = (string?)null });
        Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        await App.DeliverEventsAsync();

        var mail = Assert.Single(await MailsToAsync(email, 2), m => (m.Subject ?? "").Contains("Kündigung", StringComparison.Ordinal));
        Assert.Contains("Beiträge bezahlt 12,90 EUR", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("zurückerhalten 25,00 EUR (Cashback 25,00 EUR, Erstattungen 0,00 EUR", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("bezahlt 12,90 EUR; zur&#252;ckerhalten 25,00 EUR", mail.HtmlBody, StringComparison.Ordinal); // HTML-encoded
    }

    [Fact]
    public async Task A_marketing_mail_goes_only_to_consenting_members_and_its_unsubscribe_link_stops_the_next_one()
    {
        var (consenting, consentingId) = await SignUpAsync("plus", "en", consentMarketing: true);
        var (declining, _) = await SignUpAsync("plus", "de", consentMarketing: false);
        var (otherPlan, _) = await SignUpAsync("basis", "de", consentMarketing: true); // the offer is for plus and premium
        await MailsToAsync(consenting, 1);
        await MailsToAsync(declining, 1);
        await MailsToAsync(otherPlan, 1);
        var ops = await fixture.SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        var (_, partnerAdmin) = await OfferSetup.CreatePartnerAsync(App, ops);

        await OfferSetup.CreateLiveDiscountOfferAsync(partnerAdmin, ops); // approved with a start in the past: live at once
        await App.DeliverEventsAsync();

        var offerMail = Assert.Single(await MailsToAsync(consenting, 2), m => (m.Subject ?? "").Contains("new for you", StringComparison.Ordinal));
        Assert.Contains("Ten percent off cinema tickets", offerMail.TextBody, StringComparison.Ordinal);
        var unsubscribe = offerMail.Headers[HeaderId.ListUnsubscribe];
        Assert.NotNull(unsubscribe);
        Assert.Equal("List-Unsubscribe=One-Click", offerMail.Headers["List-Unsubscribe-Post"]);
        var link = unsubscribe.Trim('<', '>', ' ');
        var url = new Uri(link);
        Assert.StartsWith($"/api/v1/programs/{DemoIds.PlusKontoSlug}/unsubscribe?token=", url.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains($"Unsubscribe: {link}", offerMail.TextBody, StringComparison.Ordinal);
        Assert.Contains("href=\"" + WebUtility.HtmlEncode(link), offerMail.HtmlBody, StringComparison.Ordinal);
        await Task.Delay(500);
        Assert.Single(Received(declining)); // the welcome mail only
        Assert.Single(Received(otherPlan));
        Assert.Equal(1, await ScalarAsync(
            $"SELECT count(*) FROM notifications.notifications WHERE recipient_id = '{consentingId}' AND kind = 'new-offer' AND category = 'marketing' AND status = 'Sent'"));

        // Forged, tampered or foreign tokens are refused with a ProblemDetails naming the problem.
        var anonymous = App.CreateClient();
        var token = url.Query["?token=".Length..];
        foreach (var bad in new[] { "forged", token[..^2] + (token[^2] == 'A' ? "BB" : "AA") })
        {
            var refused = await anonymous.PostAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/unsubscribe?token={bad}", null);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("invalid-unsubscribe-token", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest,
            (await anonymous.GetAsync($"/api/v1/programs/{DemoIds.OtherSlug}/unsubscribe?token={token}")).StatusCode); // another program's link
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/unsubscribe")).StatusCode);
        Assert.Equal(1, await ScalarAsync($"SELECT count(*) FROM members.members WHERE id = '{consentingId}' AND consent_marketing"));

        // The one-click POST of the mail client unsubscribes; the link opened again answers the same.
        var done = await anonymous.PostAsync(url.PathAndQuery, null);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.True((await done.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unsubscribed").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url.PathAndQuery)).StatusCode);
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM members.members WHERE id = '{consentingId}' AND consent_marketing"));
        Assert.Equal(1, await ScalarAsync(
            $"SELECT count(*) FROM members.operator_audit_log WHERE member_id = '{consentingId}' AND action = 'marketing-consent-withdrawn' AND actor = 'member:unsubscribe-link'"));

        // The next offer reaches a member who consented, not the one who unsubscribed.
        var (witness, _) = await SignUpAsync("premium", "de", consentMarketing: true);
        await MailsToAsync(witness, 1);
        await OfferSetup.CreateLiveDiscountOfferAsync(partnerAdmin, ops);
        await App.DeliverEventsAsync();
        Assert.Contains(await MailsToAsync(witness, 2), m => (m.Subject ?? "").Contains("Neu für Sie", StringComparison.Ordinal));
        await Task.Delay(500);
        Assert.Equal(2, Received(consenting).Count); // welcome + the first offer only
    }

    private async Task<(string Email, Guid MemberId)> SignUpAsync(string plan, string language, bool consentMarketing)
    {
        var email = $"mm-{Guid.NewGuid():N}@example.com";
        var response = await App.CreateClient().PostAsJsonAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/members", new
        {
            firstName = "Anna", lastName = "Test", email, password = AppFixture.TestPassword, street = "Hauptstr. 1", postalCode = "10115",
            city = "Berlin", language, planCode = plan, externalCustomerNumber = (string?)null, consentMarketing,
            consentDataSharing = false, acceptTerms = true,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var memberId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
        await App.DeliverEventsAsync();
        return (email, memberId);
    }

    /// <summary>
    /// The ledger state the nightly confirm-cashback step leaves for a purchase whose return window passed: its journal
    /// (member:pending → member:available). Written directly so this test needs no partner, offer and night of Rewards.
    /// </summary>
    private async Task ConfirmedCashbackAsync(Guid memberId, long minorUnits)
    {
        var journal = Guid.NewGuid();
        var purchase = Guid.NewGuid();
        var now = App.Clock.GetUtcNow();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO rewards.journals (id, program_id, kind, caused_by_type, caused_by_id, idempotency_key, memo, created_by, created_at)
            VALUES (@journal, @program, 'cashback-confirmed', 'purchase', @purchase, 'confirm:' || @purchase, 'Return window passed', 'test', @now);
            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            VALUES (@journal, @program, 'member:pending', @member, 'EUR', -@amount, @now), (@journal, @program, 'member:available', @member, 'EUR', @amount, @now);
            """, connection);
        command.Parameters.AddWithValue("journal", journal);
        command.Parameters.AddWithValue("program", DemoIds.PlusKontoProgram);
        command.Parameters.AddWithValue("purchase", purchase);
        command.Parameters.AddWithValue("member", memberId);
        command.Parameters.AddWithValue("amount", minorUnits);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync();
    }

    private string ConnectionString => App.Services.GetRequiredService<IConfiguration>().GetConnectionString("BenefitProgram")!;

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
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
