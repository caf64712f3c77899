using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;

namespace BenefitProgram.IntegrationTests.Platform;

public sealed class FoundationApiTests(AppFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Health_endpoints_answer_and_ready_checks_postgres()
    {
        var client = Fixture.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // {"status":"Healthy","node":...,"role":...,"checks":{"postgres":"Healthy","masstransit-bus":...}}
        var health = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("postgres").GetString());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_module_endpoints()
    {
        var document = await Fixture.Anonymous().GetStringAsync("/openapi/v1.json");
        using var json = JsonDocument.Parse(document);
        var paths = json.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/programs/{slug}", paths);
        Assert.Contains("/api/v1/auth/token", paths);
        var reference = await App.CreateClient().GetAsync("/api/reference");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("text/html", reference.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_programs_branding_is_public_and_an_unknown_program_is_a_404_problem()
    {
        var client = Fixture.Anonymous();
        var branding = await client.GetFromJsonAsync<JsonElement>($"/api/v1/programs/{DemoIds.PlusKontoSlug}");
        Assert.Equal("PlusKonto der Regionalbank", branding.GetProperty("name").GetString());
        Assert.Equal("EUR", branding.GetProperty("currency").GetString());

        var missing = await client.GetAsync("/api/v1/programs/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'nope'", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operators_see_their_own_program_only()
    {
        var plus = await (await Fixture.OperatorAsync()).GetFromJsonAsync<JsonElement>("/api/v1/ops/program");
        var other = await (await Fixture.OtherProgramOperatorAsync()).GetFromJsonAsync<JsonElement>("/api/v1/ops/program");
        Assert.Equal(DemoIds.PlusKontoProgram, plus.GetProperty("id").GetGuid());
        Assert.Equal(DemoIds.OtherProgram, other.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Operator_endpoints_and_the_hangfire_dashboard_refuse_anonymous_members_and_partners()
    {
        var anonymous = Fixture.Anonymous();
        var member = await Fixture.MemberLoginAsync(DemoIds.PlusKontoProgram, Guid.NewGuid());
        var partner = await Fixture.PartnerUserAsync(Guid.NewGuid());
        var @operator = await Fixture.OperatorAsync();

        foreach (var path in new[] { "/api/v1/ops/program", "/ops/hangfire", "/ops/hangfire/recurring" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await @operator.GetAsync(path)).StatusCode);
        }

        var put = await member.PutAsJsonAsync("/api/v1/ops/program/branding", new { name = "Hacked", primaryColor = "#000000", accentColor = "#000000" });
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        var branding = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/programs/{DemoIds.PlusKontoSlug}");
        Assert.Equal("PlusKonto der Regionalbank", branding.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_malformed_json_body_is_a_400_problem_that_says_where()
    {
        var client = await Fixture.OperatorAsync();
        var response = await client.PutAsync("/api/v1/ops/program/branding",
            new StringContent("{\"name\": \"x\", \"primaryColor\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_field_is_refused_so_nobody_can_slip_in_an_id()
    {
        var client = await Fixture.OperatorAsync();
        var response = await client.PutAsJsonAsync("/api/v1/ops/program/branding",
            new { name = "New name", primaryColor = "#112233", accentColor = "#445566", id = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var branding = await Fixture.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/programs/{DemoIds.PlusKontoSlug}");
        Assert.Equal("PlusKonto der Regionalbank", branding.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Invalid_fields_are_named_in_a_validation_problem_and_change_nothing()
    {
        var client = await Fixture.OperatorAsync();
        var response = await client.PutAsJsonAsync("/api/v1/ops/program/branding",
            new { name = "", primaryColor = "blue", accentColor = "#445566", logoUrl = "javascript:alert(1)" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("primaryColor", out _));
        Assert.True(errors.TryGetProperty("logoUrl", out _));
        Assert.False(errors.TryGetProperty("accentColor", out _));
    }

    [Fact]
    public async Task An_operator_rebrands_the_program_and_the_event_is_stored_with_it()
    {
        var client = await Fixture.OperatorAsync();
        var response = await client.PutAsJsonAsync("/api/v1/ops/program/branding",
            new { name = "PlusKonto Vorteilswelt", primaryColor = "#112233", accentColor = "#445566", logoUrl = "/branding/pluskonto.svg" });
        response.EnsureSuccessStatusCode();

        var branding = await Fixture.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/programs/{DemoIds.PlusKontoSlug}");
        Assert.Equal("PlusKonto Vorteilswelt", branding.GetProperty("name").GetString());
        Assert.Equal(1, await App.DeliverEventsAsync());
        Assert.True(await App.Harness.Published.Any<BenefitProgram.Platform.Contracts.ProgramBrandingChanged>(
            m => m.Context.Message.Name == "PlusKonto Vorteilswelt"));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account()
    {
        var client = Fixture.Anonymous();
        for (var i = 0; i < 4; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = "wrong-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var fifth = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = "wrong-password" });
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        // Locked: even the right password is refused now.
        var locked = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = DemoIds.OperatorPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        // (Identity ends the lockout after five minutes on the system clock, which the test clock does not move.)
    }

    [Fact]
    public async Task A_cookie_sign_in_works_for_the_portals()
    {
        var client = Fixture.Anonymous();
        var signIn = await client.PostAsJsonAsync("/api/v1/auth/signin", new { email = DemoIds.OperatorEmail, password = DemoIds.OperatorPassword });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bp.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ops/program");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }
}
