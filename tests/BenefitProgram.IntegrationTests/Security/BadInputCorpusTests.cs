using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using BenefitProgram.Common;
using BenefitProgram.Common.Security;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>
/// The generic part of the bad-input corpus: every endpoint that takes a JSON body, called by an identity it admits,
/// with bodies that are broken in every way a client can break them. Each must get a 4xx ProblemDetails, never a 500,
/// and the database must be unchanged. Field-specific cases (amounts, CSV files, uploads) live with each module.
/// </summary>
public sealed class BadInputCorpusTests(AppFixture fixture, ITestOutputHelper output) : ApiTest(fixture)
{
    private static readonly (string Name, string ContentType, string Body)[] Cases =
    [
        ("truncated JSON", "application/json", "{\"a\": "),
        ("an array instead of an object", "application/json", "[]"),
        ("a string instead of an object", "application/json", "\"text\""),
        ("null", "application/json", "null"),
        ("an empty body", "application/json", ""),
        ("an unknown field", "application/json", "{\"zzUnknownField\": 1}"),
        ("an empty object", "application/json", "{}"),
        ("JSON nested 200 deep", "application/json", new string('[', 200) + new string(']', 200)),
        ("broken UTF-8", "application/json", "{\"name\": \"\u00ff\u00fe\"}"),
        ("a lone surrogate escape", "application/json", "{\"name\": \"\\ud800\"}"),
        ("the wrong content type", "text/plain", "{}"),
        ("form data", "application/x-www-form-urlencoded", "a=1&b=2"),
    ];

    [Fact]
    public async Task Every_json_endpoint_answers_broken_bodies_with_a_4xx_problem_and_changes_nothing()
    {
        var clients = new Dictionary<string, HttpClient>
        {
            [Policies.Operator] = await Fixture.OperatorAsync(),
            [Policies.Member] = await Fixture.MemberLoginAsync(DemoIds.PlusKontoProgram, Guid.NewGuid()),
            [Policies.Partner] = await Fixture.PartnerUserAsync(Guid.NewGuid()),
            [Policies.PartnerAdmin] = await Fixture.PartnerUserAsync(Guid.NewGuid()),
            [""] = await Fixture.OperatorAsync(),
            ["anonymous"] = Fixture.Anonymous(),
        };
        var before = await DatabaseChecksum.ComputeAsync(Fixture.ConnectionString);

        var failures = new List<string>();
        var calls = 0;
        var endpoints = JsonEndpoints();
        foreach (var (method, pattern, policy) in endpoints)
        {
            var path = AppEndpoints.SamplePath(pattern);
            foreach (var (name, contentType, body) in Cases)
            {
                calls++;
                var request = new HttpRequestMessage(new HttpMethod(method), path)
                {
                    Content = new ByteArrayContent(name == "broken UTF-8" ? [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d] : Encoding.UTF8.GetBytes(body)),
                };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
                var response = await clients[policy].SendAsync(request);
                var status = (int)response.StatusCode;
                var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                // 401 only for the public sign-in endpoints given a well-formed but wrong body is still a refusal, not a crash.
                if (status is < 400 or >= 500 || !problem)
                {
                    failures.Add($"{method} {pattern} with {name}: {status} {response.Content.Headers.ContentType?.MediaType}");
                }
            }
        }

        var after = await DatabaseChecksum.ComputeAsync(Fixture.ConnectionString);
        var summary = $"bad input (generic JSON corpus): {endpoints.Count} endpoints x {Cases.Length} cases = {calls} calls, {failures.Count} failures";
        output.WriteLine(summary);
        TestFigures.Record(summary);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, after);
    }

    private List<(string Method, string Pattern, string Policy)> JsonEndpoints() =>
        AppEndpoints.Read(App.Services)
            .Where(e => e.Accepts.Any(c => c.Contains("json", StringComparison.OrdinalIgnoreCase)))
            .Select(e => (e.Method, e.Pattern, e.Policy ?? "anonymous"))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal)
            .ToList();
}
