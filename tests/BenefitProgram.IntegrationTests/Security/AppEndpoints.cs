using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>One method of one route of the running app, as its own endpoint data describes it.</summary>
/// <param name="Policy">Null when anyone may call it; "" when any signed-in principal may; else the policy name.</param>
public sealed record AppEndpoint(string Method, string Pattern, string? Policy, IReadOnlyList<string> Accepts)
{
    public string Key => $"{Method} {Pattern}";
}

/// <summary>Reads every endpoint from the app's EndpointDataSource (not a hand-written list) for the security suites.</summary>
public static partial class AppEndpoints
{
    public static List<AppEndpoint> Read(IServiceProvider services)
    {
        var list = new List<AppEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policy = anonymous || authorize.Count == 0 ? null : authorize.Select(a => a.Policy).LastOrDefault(p => p is not null) ?? "";
            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [];
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            list.AddRange(methods.Select(m => new AppEndpoint(m, pattern, policy, accepts)));
        }

        return list.DistinctBy(e => e.Key).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>A concrete path for a route pattern: a year for int parameters, a fresh GUID for the others, nothing for catch-alls.</summary>
    public static string SamplePath(string pattern) => RouteParameter().Replace(pattern, m =>
        m.Value.StartsWith("{**", StringComparison.Ordinal) ? ""
        : m.Value.Contains(":int", StringComparison.Ordinal) ? "2026"
        : Guid.NewGuid().ToString());

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
