using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;
using Npgsql;
using static BenefitProgram.IntegrationTests.Members.MembersTestKit;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>
/// Erasure reaches every module through the MemberErased event (with the modules' real consumers on the in-memory bus):
/// personal data goes, money stays.
/// </summary>
public sealed class GdprErasureTests : IAsyncLifetime
{
    private string connectionString = "";
    private BenefitProgramApp app = null!;
    private SimpleSmtpServer smtp = null!;

    public async Task InitializeAsync()
    {
        // Mail on (an in-process SMTP server), so the notification log has rows about the member to erase.
        smtp = Configuration.Configure().WithRandomPort().Build();
        connectionString = await TestDatabase.CreateAsync("bp_gdpr");
        app = new BenefitProgramApp(connectionString, bus: TestBus.InMemory, settings: new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Smtp:From"] = "service@benefitprogram.example",
            ["Notifications:Smtp:TimeoutSeconds"] = "5",
        });
        _ = app.Server;
        await using var scope = app.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }

        await SeedPlansAsync(app);
    }

    public async Task DisposeAsync()
    {
        smtp.Dispose();
        await app.DisposeAsync();
        await TestDatabase.DropAsync(connectionString);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Erasing_a_member_removes_their_key_tags_and_their_address_from_the_notification_log_and_keeps_their_fees()
    {
        var email = $"gdpr-{Guid.NewGuid():N}@example.com";
        var client = app.CreateClient();
        var signUp = await client.PostAsJsonAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/members", SignUpBody(email, "premium"));
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        var memberId = (await signUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();

        var token = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = AppFixture.TestPassword })).Content.ReadFromJsonAsync<JsonElement>();
        var member = app.CreateClient();
        member.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("/api/v1/me/key-tags", new { code = "KEY-GDPR-01", label = "Haustür Anna" })).StatusCode);

        // The fee of the signup reaches Rewards (FeeCharged) and the welcome mail goes out before the erasure.
        await app.DeliverEventsAsync();
        await Eventually.TrueAsync(() => ScalarAsync($"SELECT count(*) FROM rewards.member_fees WHERE member_id = '{memberId}'").Result == 1, "the fee reached rewards");
        await Eventually.TrueAsync(() => ScalarAsync(
            $"SELECT count(*) FROM notifications.notifications WHERE recipient_id = '{memberId}' AND recipient_email = '{email}' AND status = 'Sent'").Result >= 1,
            "the welcome mail was sent and logged");
        var logRows = await ScalarAsync($"SELECT count(*) FROM notifications.notifications WHERE recipient_id = '{memberId}'");
        var feesBefore = await ScalarAsync($"SELECT coalesce(sum(amount_minor), 0) FROM rewards.member_fees WHERE member_id = '{memberId}'");

        var token2 = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = DemoIds.OperatorPassword })).Content.ReadFromJsonAsync<JsonElement>();
        var ops = app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token2.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/ops/members/{memberId}")).StatusCode);

        await app.DeliverEventsAsync();
        await Eventually.TrueAsync(() => ScalarAsync($"SELECT count(*) FROM rewards.key_tags WHERE member_id = '{memberId}'").Result == 0, "the key tag was removed");
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM members.members WHERE id = '{memberId}' AND (email IS NOT NULL OR first_name IS NOT NULL)"));

        // The notification log keeps what was sent when (kind, status, times) but no longer to whom.
        await Eventually.TrueAsync(() => ScalarAsync(
            $"SELECT count(*) FROM notifications.notifications WHERE recipient_id = '{memberId}' AND recipient_email IS NULL AND subject = '(erased)'").Result == logRows,
            "the notification log was scrubbed");
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM notifications.notifications WHERE recipient_email = '{email}' OR subject LIKE '%Anna%' OR last_error LIKE '%{email}%'"));
        Assert.Equal(1, await ScalarAsync(
            $"SELECT count(*) FROM notifications.notifications WHERE recipient_id = '{memberId}' AND kind = 'welcome' AND status = 'Sent' AND sent_at IS NOT NULL"));
        Assert.Equal(feesBefore, await ScalarAsync($"SELECT coalesce(sum(amount_minor), 0) FROM rewards.member_fees WHERE member_id = '{memberId}'"));
        Assert.True(feesBefore > 0);
    }
}
