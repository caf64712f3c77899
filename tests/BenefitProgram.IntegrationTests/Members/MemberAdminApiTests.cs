using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using static BenefitProgram.IntegrationTests.Members.MembersTestKit;

namespace BenefitProgram.IntegrationTests.Members;

public sealed class MemberAdminApiTests(AppFixture fixture) : ApiTest(fixture)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedPlansAsync(App);
    }

    [Fact]
    public async Task A_member_sees_and_changes_only_their_own_membership_and_a_partner_reaches_no_member_data()
    {
        var (anna, annaId) = await SignUpAsync(Fixture, "premium");
        var (ben, benId) = await SignUpAsync(Fixture, "premium");
        Assert.Equal(annaId, (await MembershipAsync(anna)).GetProperty("memberId").GetGuid());
        Assert.Equal(benId, (await MembershipAsync(ben)).GetProperty("memberId").GetGuid());

        // Ben cancels: Anna is untouched. There is no member id in /me routes to tamper with, and ops routes are closed to members.
        await ben.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "too-expensive" });
        Assert.Equal("Active", Status(await MembershipAsync(anna)));
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync($"/api/v1/ops/members/{benId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsync($"/api/v1/ops/members/{benId}/reactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.DeleteAsync($"/api/v1/ops/members/{benId}")).StatusCode);

        var partner = await Fixture.PartnerUserAsync(Guid.NewGuid());
        foreach (var path in new[] { "/api/v1/me/membership", "/api/v1/me/fees", "/api/v1/me/export", "/api/v1/ops/members", $"/api/v1/ops/members/{annaId}", "/api/v1/ops/plans" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Fixture.Anonymous().GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await partner.PostAsJsonAsync("/api/v1/me/membership/cancel", new { reason = "too-expensive" })).StatusCode);

        // An operator of another program does not find the member at all.
        var other = await Fixture.OtherProgramOperatorAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/ops/members/{annaId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/ops/members/{annaId}/cancel", new { reason = "other", comment = "x" })).StatusCode);
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/v1/ops/members")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bad_sign_up_input_gets_field_level_errors_and_creates_nothing()
    {
        var client = Fixture.Anonymous();
        var bad = await client.PostAsJsonAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/members", new
        {
            firstName = "", lastName = "Schmidt", email = "not-an-email", password = "Test-Password-1", postalCode = "8033", language = "fr",
            planCode = "plus", consentMarketing = false, consentDataSharing = false, acceptTerms = false,
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "firstName", "email", "postalCode", "language", "acceptTerms" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        var unknownPlan = await client.PostAsJsonAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/members", SignUpBody("x@example.com", "gold"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownPlan.StatusCode);
        Assert.True((await unknownPlan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("planCode", out _));
        Assert.Equal(0, await DbAsync(App, db => db.Members.CountAsync()));
    }

    [Fact]
    public async Task Plans_are_versioned_so_a_price_change_does_not_change_what_existing_members_pay()
    {
        var (member, _) = await SignUpAsync(Fixture, "premium");
        var ops = await Fixture.OperatorAsync();
        var negative = await ops.PutAsJsonAsync("/api/v1/ops/plans/premium", Terms(-100));
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.True((await negative.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("priceMinorUnits", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PutAsJsonAsync("/api/v1/ops/plans/gold", Terms(1000))).StatusCode);

        var changed = await ops.PutAsJsonAsync("/api/v1/ops/plans/premium", Terms(1490));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(2, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var publicPlans = await Fixture.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/programs/{DemoIds.PlusKontoSlug}/plans");
        Assert.Equal(1490, publicPlans.EnumerateArray().Single(p => p.GetProperty("code").GetString() == "premium").GetProperty("priceMinorUnits").GetInt64());

        var mine = await MembershipAsync(member);
        App.Clock.SetUtcNow(mine.GetProperty("currentPeriodEnd").GetDateTimeOffset().AddHours(1));
        await RunBillingAsync(Fixture);
        var fees = await member.GetFromJsonAsync<JsonElement>("/api/v1/me/fees");
        Assert.All(fees.EnumerateArray(), f => Assert.Equal(1290, f.GetProperty("amountMinorUnits").GetInt64()));
        Assert.Equal(2, fees.GetArrayLength());

        var all = await (await Fixture.OperatorAsync()).GetFromJsonAsync<JsonElement>("/api/v1/ops/plans?includeRetired=true");
        Assert.Equal(2, all.EnumerateArray().Count(p => p.GetProperty("code").GetString() == "premium"));
    }

    private static object Terms(long price) => new
    {
        name = "Premium", priceMinorUnits = price, currency = "EUR", interval = "Monthly", trialDays = 0,
        offerCategories = new[] { "travel" }, benefitKinds = new[] { "cashback", "refund" }, cashbackMultiplierPercent = 150,
        refundCaps = new[] { new { kind = "airport-taxi", claimsPerYear = 2, maxMinorUnitsPerClaim = 4000, currency = "EUR" } }, sortOrder = 2,
    };

    [Fact]
    public async Task An_operator_cancels_and_reactivates_for_a_member_with_an_audit_trail_and_finds_the_member()
    {
        var (_, memberId) = await SignUpAsync(Fixture, "premium");
        var ops = await Fixture.OperatorAsync();
        var cancel = await ops.PostAsJsonAsync($"/api/v1/ops/members/{memberId}/cancel", new { reason = "service-problems", comment = "Phone call" });
        Assert.Equal("Cancelled", Status(await cancel.Content.ReadFromJsonAsync<JsonElement>()));
        var reactivate = await ops.PostAsync($"/api/v1/ops/members/{memberId}/reactivate", null);
        Assert.Equal("Active", Status(await reactivate.Content.ReadFromJsonAsync<JsonElement>()));

        var details = await ops.GetFromJsonAsync<JsonElement>($"/api/v1/ops/members/{memberId}");
        var audit = details.GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(["membership-cancelled", "membership-reactivated"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.All(audit, a => Assert.StartsWith("user:", a.GetProperty("actor").GetString(), StringComparison.Ordinal));
        Assert.Contains(details.GetProperty("history").EnumerateArray(), h => h.GetProperty("reason").GetString() == "service-problems");

        var found = await ops.GetFromJsonAsync<JsonElement>("/api/v1/ops/members?query=schmi");
        Assert.Equal(1, found.GetProperty("total").GetInt32());
        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<MembershipCancelled>(m => m.Context.Message.MemberId == memberId && m.Context.Message.ByOperator));
    }

    [Fact]
    public async Task A_member_exports_their_data_and_an_erased_member_keeps_only_pseudonymous_financial_records()
    {
        var email = $"erase-{Guid.NewGuid():N}@example.com";
        var (member, memberId) = await SignUpAsync(Fixture, "premium", email);
        var export = await member.GetFromJsonAsync<JsonElement>("/api/v1/me/export");
        Assert.Equal("Anna", export.GetProperty("personal").GetProperty("firstName").GetString());
        Assert.Equal(1, export.GetProperty("fees").GetArrayLength());

        var ops = await Fixture.OperatorAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/ops/members/{memberId}")).StatusCode);
        var row = await DbAsync(App, db => db.Members.SingleAsync(m => m.Id == memberId));
        Assert.Null(row.Email);
        Assert.Null(row.FirstName);
        Assert.Null(row.PostalCode);
        Assert.Equal(1290, await DbAsync(App, db => db.Fees.Where(f => f.MemberId == memberId).SumAsync(f => f.AmountMinorUnits)));
        Assert.Equal(MembershipStatus.Ended, await DbAsync(App, db => db.Memberships.Where(m => m.MemberId == memberId).Select(m => m.Status).SingleAsync()));
        var signIn = await Fixture.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { email, password = AppFixture.TestPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync($"/api/v1/ops/members/{memberId}")).StatusCode);
        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<MemberErased>(m => m.Context.Message.MemberId == memberId));
    }

    private const string Header = "external_customer_number;first_name;last_name;email;postal_code;language;plan;consent_marketing\n";

    private async Task<HttpResponseMessage> ImportAsync(byte[] bytes, string query = "")
    {
        var ops = await Fixture.OperatorAsync();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        return await ops.PostAsync("/api/v1/ops/members/import" + query, content);
    }

    [Fact]
    public async Task A_csv_import_applies_the_valid_rows_and_reports_every_broken_row_by_field()
    {
        var csv = Header
            + "K1;Jürgen;Müller;juergen@example.com;80331;de;plus;ja\n"
            + "K2;Eva;Weber;eva@example;80331;de;plus;nein\n"
            + "K3;Max;;max@example.com;123;fr;gold;vielleicht\n"
            + "K1;Dup;Licate;dup@example.com;80331;de;basis;0\n"
            + "\"K5\";\"Ole; Jan\";Hansen;ole@example.com;80469;en;premium;1\n";
        var response = await ImportAsync([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, report.GetProperty("rows").GetInt32());
        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        var rows = report.GetProperty("rowResults").EnumerateArray().ToDictionary(r => r.GetProperty("line").GetInt32());
        Assert.Equal("imported", rows[2].GetProperty("outcome").GetString());
        Assert.True(rows[3].GetProperty("errors").TryGetProperty("email", out _));
        var row4 = rows[4].GetProperty("errors");
        foreach (var field in new[] { "last_name", "postal_code", "language", "plan", "consent_marketing" })
        {
            Assert.True(row4.TryGetProperty(field, out _), field);
        }

        Assert.True(rows[5].GetProperty("errors").TryGetProperty("external_customer_number", out _));
        Assert.Equal("imported", rows[6].GetProperty("outcome").GetString());
        var names = await DbAsync(App, db => db.Members.OrderBy(m => m.ExternalCustomerNumber).Select(m => m.FirstName).ToListAsync());
        Assert.Equal(["Jürgen", "Ole; Jan"], names);
    }

    [Fact]
    public async Task A_csv_import_whose_rows_are_all_invalid_applies_nothing()
    {
        var csv = Header + "K1;;Müller;bad;80331;de;plus;ja\nK2;Eva;Weber;eva@example.com;80331;de;gold;nein\n";
        var response = await ImportAsync(Encoding.UTF8.GetBytes(csv));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, report.GetProperty("imported").GetInt32());
        Assert.Equal(2, report.GetProperty("invalid").GetInt32());
        Assert.Equal(0, await DbAsync(App, db => db.Members.CountAsync()));
    }

    [Fact]
    public async Task A_csv_import_in_the_wrong_encoding_is_refused_and_windows_1252_is_read_when_declared()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(1252).GetBytes(Header + "K9;Jürgen;Größe;jg@example.com;80331;de;plus;ja\n");
        var refused = await ImportAsync(bytes);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("file", out _));
        Assert.Equal(0, await DbAsync(App, db => db.Members.CountAsync()));

        var dry = await ImportAsync(bytes, "?encoding=windows-1252&dryRun=true");
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Equal(0, await DbAsync(App, db => db.Members.CountAsync()));

        var ok = await ImportAsync(bytes, "?encoding=windows-1252");
        Assert.Equal(1, (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        Assert.Equal("Größe", await DbAsync(App, db => db.Members.Select(m => m.LastName).SingleAsync()));

        var missingColumn = await ImportAsync(Encoding.UTF8.GetBytes("first_name;email\nA;a@example.com\n"));
        Assert.Equal(HttpStatusCode.BadRequest, missingColumn.StatusCode);
        Assert.True((await missingColumn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("header", out _));
    }
}
