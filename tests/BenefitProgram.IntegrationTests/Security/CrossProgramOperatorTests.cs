using System.Net;
using System.Net.Http.Json;
using System.Text;
using BenefitProgram.Common;
using BenefitProgram.Common.Security;
using BenefitProgram.DataGenerator;
using BenefitProgram.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>
/// Operators see only their own program. Every operator route that takes an id (read from the app's endpoint data) is
/// called by the operator of the other demo program with real ids of PlusKonto's members, partners, offers, redemptions,
/// claims and payout batches (a generated program plus a payout batch), and with a body that passes validation, so the
/// refusal has to come from the ownership check. Each must answer 404 and change nothing; the owning operator reads the
/// same ids (control). A new operator route whose parameters this test cannot fill fails it until it is classified.
/// </summary>
public sealed class CrossProgramOperatorTests(AppFixture fixture, ITestOutputHelper output) : ApiTest(fixture)
{
    /// <summary>
    /// Routes that act across programs by design: running a night covers every program, and an operator adds an existing
    /// partner (a company that may serve several programs) to its own program.
    /// </summary>
    private static readonly HashSet<string> PlatformWide = new(StringComparer.Ordinal)
    {
        "POST /api/v1/ops/jobs/nights/{night}", "POST /api/v1/ops/partners/{id:guid}/programs",
    };

    [Fact]
    public async Task An_operator_of_another_program_gets_404_on_every_operator_route_with_an_id_of_this_program()
    {
        await new ProgramGenerator(new GeneratorOptions
        {
            Members = 60, Seed = 11, ConnectionString = Fixture.ConnectionString, ProgramSlug = DemoIds.PlusKontoSlug,
            AsOf = DateOnly.FromDateTime(BenefitProgramApp.Start.UtcDateTime), ChunkSize = 60,
        }, TextWriter.Null).RunAsync(CancellationToken.None);
        var own = await Fixture.OperatorAsync();
        var batch = await own.PostAsJsonAsync("/api/v1/ops/rewards/payout-batches", new { periodKey = "2026-10" });
        Assert.True(batch.IsSuccessStatusCode, await batch.Content.ReadAsStringAsync());

        var ids = new Dictionary<string, string>
        {
            ["member"] = await IdAsync("SELECT id::text FROM members.members WHERE program_id = @p ORDER BY id LIMIT 1"),
            ["partner"] = await IdAsync("""
                SELECT partner_id::text FROM catalog.partner_programs WHERE program_id = @p
                  AND partner_id NOT IN (SELECT partner_id FROM catalog.partner_programs WHERE program_id = @other) ORDER BY 1 LIMIT 1
                """),
            ["offer"] = await IdAsync("SELECT id::text FROM catalog.offers WHERE program_id = @p ORDER BY id LIMIT 1"),
            ["redemption"] = await IdAsync("SELECT id::text FROM catalog.redemptions WHERE program_id = @p ORDER BY id LIMIT 1"),
            ["claim"] = await IdAsync("SELECT id::text FROM rewards.refund_claims WHERE program_id = @p ORDER BY id LIMIT 1"),
            ["batch"] = await IdAsync("SELECT id::text FROM rewards.payout_batches WHERE program_id = @p ORDER BY id LIMIT 1"),
            ["line"] = await IdAsync("SELECT coalesce((SELECT l.id::text FROM rewards.payout_lines l JOIN rewards.payout_batches b ON b.id = l.batch_id WHERE b.program_id = @p LIMIT 1), gen_random_uuid()::text)"),
            ["plan"] = await IdAsync("SELECT code FROM members.plans WHERE program_id = @p ORDER BY code LIMIT 1"),
        };
        // A webhook endpoint of a partner of this program only (the operator console's read-only webhook pages).
        ids["webhook"] = await IdAsync("""
            INSERT INTO notifications.webhook_endpoints (id, partner_id, url, event_types, secret_protected, created_at, created_by)
            SELECT gen_random_uuid(), pp.partner_id, 'https://erp.partner.example/hooks', ARRAY['redemption.created'], 'protected', now(), 'test'
            FROM catalog.partner_programs pp WHERE pp.program_id = @p
              AND pp.partner_id NOT IN (SELECT partner_id FROM catalog.partner_programs WHERE program_id = @other)
            ORDER BY pp.partner_id LIMIT 1
            RETURNING id::text
            """);

        var other = await Fixture.OtherProgramOperatorAsync();
        var routes = AppEndpoints.Read(App.Services)
            .Where(e => e.Policy == Policies.Operator && e.Pattern.StartsWith("/api/", StringComparison.Ordinal) && e.Pattern.Contains('{', StringComparison.Ordinal) && !PlatformWide.Contains(e.Key))
            .ToList();
        var unclassified = new List<string>();
        var leaks = new List<string>();
        var controls = 0;
        var before = await DatabaseChecksum.ComputeAsync(Fixture.ConnectionString);
        foreach (var route in routes)
        {
            var path = Fill(route.Pattern, ids);
            if (path is null)
            {
                unclassified.Add(route.Key);
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(route.Method), path) { Content = Body(route, ids) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var response = await other.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                leaks.Add($"{route.Key} as {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        var after = await DatabaseChecksum.ComputeAsync(Fixture.ConnectionString);

        // Control: the owning operator reads the same ids (so the 404s above were about ownership, not about bad ids).
        foreach (var route in routes.Where(r => r.Method == "GET" && r.Pattern.EndsWith('}') && !r.Pattern.Contains("/reports/", StringComparison.Ordinal)))
        {
            var path = Fill(route.Pattern, ids);
            if (path is null)
            {
                continue;
            }

            var response = await own.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"control {route.Key} as {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            controls++;
        }

        var summary = $"cross-program operators: {routes.Count - unclassified.Count} operator routes with ids called by program Y's operator on program X's ids, {leaks.Count} leaks; {controls} read back by X's operator";
        output.WriteLine(summary);
        TestFigures.Record(summary);
        Assert.True(unclassified.Count == 0, "operator routes this test cannot fill (classify them): " + string.Join(", ", unclassified));
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));
        Assert.Equal(before, after);
        Assert.True(routes.Count >= 25, $"expected the operator routes with ids, found {routes.Count}");
    }

    /// <summary>The route with every parameter replaced by an id of PlusKonto of the kind the route names; null when unknown.</summary>
    private static string? Fill(string pattern, Dictionary<string, string> ids)
    {
        string? Kind(string parameter, string before) => parameter switch
        {
            "memberId" => "member",
            "partnerId" => "partner",
            "code" => "plan",
            "month" => "month",
            "id" when before.EndsWith("/ops/members/", StringComparison.Ordinal) => "member",
            "id" when before.EndsWith("/ops/partners/", StringComparison.Ordinal) => "partner",
            "id" when before.EndsWith("/ops/offers/", StringComparison.Ordinal) => "offer",
            "id" when before.EndsWith("/ops/redemptions/", StringComparison.Ordinal) => "redemption",
            "id" when before.EndsWith("/ops/rewards/claims/", StringComparison.Ordinal) => "claim",
            "id" when before.EndsWith("/ops/rewards/payout-batches/", StringComparison.Ordinal) => "batch",
            "id" when before.EndsWith("/ops/webhooks/", StringComparison.Ordinal) => "webhook",
            _ => null,
        };

        var path = new StringBuilder();
        var rest = pattern;
        while (rest.IndexOf('{', StringComparison.Ordinal) is var open and >= 0)
        {
            path.Append(rest[..open]);
            var close = rest.IndexOf('}', open);
            var parameter = rest[(open + 1)..close].Split(':')[0];
            var kind = Kind(parameter, path.ToString());
            if (kind is null)
            {
                return null;
            }

            path.Append(kind == "month" ? "2026-10" : ids[kind]);
            rest = rest[(close + 1)..];
        }

        return path.Append(rest).ToString();
    }

    /// <summary>A body that passes each write endpoint's validation, so only the ownership check can refuse it.</summary>
    private static HttpContent? Body(AppEndpoint route, Dictionary<string, string> ids)
    {
        if (route.Method is "GET" or "DELETE")
        {
            return null;
        }

        object? body = route.Pattern switch
        {
            var p when p.EndsWith("/contract", StringComparison.Ordinal) => new
            {
                cooperationModel = "CoBranding",
                terms = new { commissionRateBasisPoints = 500, feePerRedemptionMinorUnits = 25, currency = "EUR", cashbackFunding = "Shared", partnerShareBasisPoints = 6000 },
            },
            var p when p.EndsWith("/status", StringComparison.Ordinal) => new { status = "Active" },
            var p when p.EndsWith("/reject", StringComparison.Ordinal) => new { comment = "Bitte Bilder ergänzen." },
            var p when p.EndsWith("/cancel", StringComparison.Ordinal) => new { reason = "other", comment = "Umzug" },
            var p when p.EndsWith("/billing-simulation", StringComparison.Ordinal) => new { failPayments = false },
            var p when p.EndsWith("/adjustments", StringComparison.Ordinal) => new { amountMinorUnits = 100, currency = "EUR", reason = "Kulanz" },
            var p when p.EndsWith("/decision", StringComparison.Ordinal) => new { decision = "reject", approvedMinorUnits = (long?)null, reason = "Kein Beleg" },
            var p when p.EndsWith("/results", StringComparison.Ordinal) => new { lines = new[] { new { lineId = ids["line"], status = "Paid", reason = (string?)null } } },
            var p when p.Contains("/barometer/", StringComparison.Ordinal) => new
            {
                contractAndRolesClear = 4, sharedProcessesWork = 4, dataExchangeWorks = 5, trustBetweenTeams = 3, communicationIsRegular = 3, sharedGoalsAgreed = 4, comment = "gut",
            },
            var p when p.Contains("/plans/", StringComparison.Ordinal) => new
            {
                name = "Plus", priceMinorUnits = 690, currency = "EUR", interval = "Monthly", trialDays = 0, cashbackMultiplierPercent = 100, sortOrder = 1,
            },
            _ => null,
        };
        return body is null ? null : JsonContent.Create(body);
    }

    private async Task<string> IdAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", DemoIds.PlusKontoProgram);
        command.Parameters.AddWithValue("other", DemoIds.OtherProgram);
        var value = await command.ExecuteScalarAsync() as string;
        Assert.False(string.IsNullOrEmpty(value), $"no row for: {sql}");
        return value;
    }
}
