using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Notifications.Persistence;
using BenefitProgram.Notifications.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using static BenefitProgram.IntegrationTests.Members.MembersTestKit;

namespace BenefitProgram.IntegrationTests.OpsConsole;

/// <summary>
/// The read APIs the operator console added with issue #7: the audit log across members, the barometer questionnaires of a
/// partner, and the partners' webhooks. Each answers only for the operator's own program.
/// </summary>
public sealed class OpsConsoleApiTests(AppFixture fixture) : ApiTest(fixture)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedPlansAsync(App);
    }

    [Fact]
    public async Task The_audit_log_lists_support_actions_across_members_with_the_members_name_and_only_for_the_own_program()
    {
        var (_, annaId) = await SignUpAsync(Fixture, "premium");
        var (_, benId) = await SignUpAsync(Fixture, "plus");
        var ops = await Fixture.OperatorAsync();
        var cancel = await ops.PostAsJsonAsync($"/api/v1/ops/members/{annaId}/cancel", new { reason = "too-expensive", comment = "asked by phone" });
        Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/v1/ops/members/{benId}/billing-simulation", new { failPayments = true })).StatusCode);

        var log = await ops.GetFromJsonAsync<JsonElement>("/api/v1/ops/audit");
        var entries = log.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        // Newest first, each with the member's name and number.
        Assert.Equal("billing-simulation", entries[0].GetProperty("action").GetString());
        Assert.Equal(benId, entries[0].GetProperty("memberId").GetGuid());
        var annaEntry = entries[1];
        Assert.Equal("membership-cancelled", annaEntry.GetProperty("action").GetString());
        Assert.Equal("Anna Schmidt", annaEntry.GetProperty("memberName").GetString());
        Assert.False(string.IsNullOrEmpty(annaEntry.GetProperty("memberNumber").GetString()));
        Assert.Contains("asked by phone", annaEntry.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(DemoIds.OperatorEmail, annaEntry.GetProperty("actorName").GetString());
        Assert.StartsWith("user:", annaEntry.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal(["billing-simulation", "membership-cancelled"], log.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!).ToArray());

        // Filters: action, actor, UTC days.
        var cancelled = await ops.GetFromJsonAsync<JsonElement>("/api/v1/ops/audit?action=membership-cancelled");
        Assert.Equal(annaId, Assert.Single(cancelled.GetProperty("entries").EnumerateArray()).GetProperty("memberId").GetGuid());
        Assert.Empty((await ops.GetFromJsonAsync<JsonElement>($"/api/v1/ops/audit?actor=user:{Guid.NewGuid()}")).GetProperty("entries").EnumerateArray());
        var actor = Assert.Single(log.GetProperty("actors").EnumerateArray());
        Assert.Equal(DemoIds.OperatorEmail, actor.GetProperty("name").GetString());
        Assert.Equal(2, (await ops.GetFromJsonAsync<JsonElement>($"/api/v1/ops/audit?actor={actor.GetProperty("actor").GetString()}")).GetProperty("entries").GetArrayLength());
        var today = App.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var yesterday = App.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2, (await ops.GetFromJsonAsync<JsonElement>($"/api/v1/ops/audit?from={today}&to={today}")).GetProperty("entries").GetArrayLength());
        Assert.Equal(0, (await ops.GetFromJsonAsync<JsonElement>($"/api/v1/ops/audit?to={yesterday}")).GetProperty("entries").GetArrayLength());

        // The actor names the console uses on the member page: the own program's operator by e-mail; for another program, no name.
        var actorName = Assert.Single((await ops.GetFromJsonAsync<List<JsonElement>>($"/api/v1/ops/actors?names={actor.GetProperty("actor").GetString()}"))!);
        Assert.Equal(DemoIds.OperatorEmail, actorName.GetProperty("name").GetString());

        // A bad day is a field error.
        var bad = await ops.GetAsync("/api/v1/ops/audit?from=25.11.2026");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("from", out _));

        // Another program's operator sees none of it, even when asking for the member.
        var other = await Fixture.OtherProgramOperatorAsync();
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>($"/api/v1/ops/audit?memberId={annaId}")).GetProperty("entries").GetArrayLength());
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/v1/ops/audit")).GetProperty("actions").GetArrayLength());
        var unnamed = Assert.Single((await other.GetFromJsonAsync<List<JsonElement>>($"/api/v1/ops/actors?names={actor.GetProperty("actor").GetString()}"))!);
        Assert.Equal(JsonValueKind.Null, unnamed.GetProperty("name").ValueKind);
    }

    [Fact]
    public async Task A_filled_barometer_questionnaire_is_listed_at_once_with_its_levels_and_another_program_gets_404()
    {
        var ops = await Fixture.OperatorAsync();
        var partnerId = await CreatePartnerAsync(ops);
        var answers = new { contractAndRolesClear = 4, sharedProcessesWork = 5, dataExchangeWorks = 5, trustBetweenTeams = 2, communicationIsRegular = 2, sharedGoalsAgreed = 3, comment = "Jahresgespräch" };
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/v1/ops/reports/barometer/{partnerId}", answers)).StatusCode);

        var list = (await ops.GetFromJsonAsync<List<JsonElement>>($"/api/v1/ops/reports/barometer/{partnerId}/assessments"))!;
        var assessment = Assert.Single(list);
        Assert.Equal(5, assessment.GetProperty("structureLevel").GetInt32()); // (4 + 5 + 5) / 3 = 4.67
        Assert.Equal(2, assessment.GetProperty("socialLevel").GetInt32());    // (2 + 2 + 3) / 3 = 2.33
        Assert.Equal("Jahresgespräch", assessment.GetProperty("comment").GetString());
        Assert.Equal(5, assessment.GetProperty("answers").GetProperty("sharedProcessesWork").GetInt32());
        Assert.Equal(DemoIds.OperatorEmail, assessment.GetProperty("actorName").GetString());

        var other = await Fixture.OtherProgramOperatorAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/ops/reports/barometer/{partnerId}/assessments")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync($"/api/v1/ops/reports/barometer/{Guid.NewGuid()}/assessments")).StatusCode);
    }

    [Fact]
    public async Task The_operator_reads_the_webhooks_of_the_programs_partners_with_their_deliveries_and_another_program_sees_none()
    {
        var ops = await Fixture.OperatorAsync();
        var partnerId = await CreatePartnerAsync(ops);
        var now = App.Clock.GetUtcNow();
        var endpointId = Guid.NewGuid();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            db.WebhookEndpoints.Add(new WebhookEndpoint
            {
                Id = endpointId, PartnerId = partnerId, Url = "https://erp.partner.example/hooks", EventTypes = ["redemption.created"],
                SecretProtected = "protected", CreatedAt = now, CreatedBy = "admin@partner.example",
            });
            foreach (var (status, minutes) in new[] { (WebhookDeliveryStatus.Succeeded, 30), (WebhookDeliveryStatus.Retrying, 20), (WebhookDeliveryStatus.DeadLettered, 10) })
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    Id = Guid.NewGuid(), EndpointId = endpointId, PartnerId = partnerId, EventId = Guid.NewGuid(), EventType = "redemption.created",
                    Payload = "{}", Status = status, Attempts = 1, MaxAttempts = 8, NextAttemptAt = now, LastStatusCode = status == WebhookDeliveryStatus.Succeeded ? 200 : 500,
                    CreatedAt = now.AddMinutes(-minutes),
                });
            }

            await db.SaveChangesAsync();
        }

        var endpoint = Assert.Single((await ops.GetFromJsonAsync<List<JsonElement>>("/api/v1/ops/webhooks"))!);
        Assert.Equal("Kino am Markt", endpoint.GetProperty("partnerName").GetString());
        Assert.Equal(1, endpoint.GetProperty("succeeded").GetInt32());
        Assert.Equal(1, endpoint.GetProperty("waiting").GetInt32());
        Assert.Equal(1, endpoint.GetProperty("failed").GetInt32());
        Assert.False(endpoint.TryGetProperty("secretProtected", out _));
        var deliveries = (await ops.GetFromJsonAsync<List<JsonElement>>($"/api/v1/ops/webhooks/{endpointId}/deliveries"))!;
        Assert.Equal(["DeadLettered", "Retrying", "Succeeded"], deliveries.Select(d => d.GetProperty("status").GetString()!).ToArray());

        var other = await Fixture.OtherProgramOperatorAsync();
        Assert.Empty((await other.GetFromJsonAsync<List<JsonElement>>("/api/v1/ops/webhooks"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/ops/webhooks/{endpointId}/deliveries")).StatusCode);
    }

    private static async Task<Guid> CreatePartnerAsync(HttpClient ops)
    {
        var response = await ops.PostAsJsonAsync("/api/v1/ops/partners", new
        {
            name = "Kino am Markt",
            logoUrl = (string?)null,
            categories = new[] { "leisure" },
            regions = Array.Empty<string>(),
            cooperationModel = "CoBranding",
            terms = new { commissionRateBasisPoints = 500, feePerRedemptionMinorUnits = 25, currency = "EUR", cashbackFunding = "Partner", partnerShareBasisPoints = 10000 },
            adminEmail = $"admin-{Guid.NewGuid():N}@partner.example",
            adminPassword = AppFixture.TestPassword,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
