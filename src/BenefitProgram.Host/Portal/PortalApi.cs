using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Host.Portal;

/// <summary>
/// The portals' only way to data: the same REST API (<c>/api/v1/...</c>) that partner systems and integrations use,
/// called over loopback with the signed-in user's <c>bp.auth</c> cookie. So authorisation is checked in one place,
/// and a ValidationProblem's field errors come back keyed by the JSON field names the forms use.
/// </summary>
public sealed class PortalApi(HttpClient http, IHttpContextAccessor accessor, PortalApiAddress address)
{
    public const string AuthCookie = "bp.auth";

    internal static readonly JsonSerializerOptions Json = CreateJson();

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<ApiResult<T>> PostAsync<T>(string path, object body, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Post, path, body, ct);

    public Task<ApiResult<T>> PutAsync<T>(string path, object body, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Put, path, body, ct);

    /// <summary>Posts a multipart form (e.g. a claim with its receipt) with the user's cookie.</summary>
    public async Task<ApiResult<T>> PostMultipartAsync<T>(string path, MultipartFormDataContent content, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address.BaseUri, path)) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(System.Globalization.CultureInfo.CurrentUICulture.Name));
        if (AuthCookieHeader(accessor.HttpContext?.Request.Cookies) is { } cookie)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await http.SendAsync(request, ct);
        return await ReadAsync<T>(response, ct);
    }

    public Task<ApiResult<object>> DeleteAsync(string path, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Delete, path, null, ct);

    /// <summary>
    /// Posts a file's bytes (CSV, plain text) and reads the JSON answer as <typeparamref name="T"/> whatever the status:
    /// upload endpoints answer a refused file with 422 and the same row-by-row report.
    /// </summary>
    public async Task<(ApiResult<T> Result, T? Report)> PostFileAsync<T>(string path, byte[] file, string mediaType, CancellationToken ct = default)
    {
        // The raw bytes: the API detects the encoding (UTF-8 with or without BOM, or Windows-1252 from Excel).
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address.BaseUri, path)) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(System.Globalization.CultureInfo.CurrentUICulture.Name));
        if (AuthCookieHeader(accessor.HttpContext?.Request.Cookies) is { } cookie)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        T? report = default;
        if (body.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            try
            {
                report = JsonSerializer.Deserialize<T>(body, Json);
            }
            catch (JsonException)
            {
            }
        }

        if (response.IsSuccessStatusCode)
        {
            return (new ApiResult<T>(report, null), report);
        }

        ApiProblem? problem = null;
        if (body.Length > 0 && response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = JsonSerializer.Deserialize<ApiProblem>(body, Json);
            }
            catch (JsonException)
            {
            }
        }

        return (new ApiResult<T>(default, (problem ?? new ApiProblem()) with { Status = (int)response.StatusCode }), report);
    }

    /// <summary>Sends a request and hands back the raw answer (sign-in needs its Set-Cookie headers).</summary>
    public async Task<(ApiResult<T> Result, HttpResponseMessage Response)> SendRawAsync<T>(HttpMethod method, string path, object? body, string? cookieHeader, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(address.BaseUri, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(System.Globalization.CultureInfo.CurrentUICulture.Name));
        if (!string.IsNullOrEmpty(cookieHeader))
        {
            request.Headers.Add("Cookie", cookieHeader);
        }

        var response = await http.SendAsync(request, ct);
        return (await ReadAsync<T>(response, ct), response);
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var (result, response) = await SendRawAsync<T>(method, path, body, AuthCookieHeader(accessor.HttpContext?.Request.Cookies), ct);
        response.Dispose();
        return result;
    }

    /// <summary>"bp.auth=...; bp.authC1=..." from the browser's cookies (the cookie may be split into chunks); nothing else is forwarded.</summary>
    public static string? AuthCookieHeader(IEnumerable<KeyValuePair<string, string>>? cookies)
    {
        var pairs = (cookies ?? []).Where(c => c.Key.StartsWith(AuthCookie, StringComparison.Ordinal)).Select(c => $"{c.Key}={c.Value}").ToList();
        return pairs.Count == 0 ? null : string.Join("; ", pairs);
    }

    private static async Task<ApiResult<T>> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0 || typeof(T) == typeof(object))
            {
                return new ApiResult<T>(default, null);
            }

            return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(Json, ct), null);
        }

        ApiProblem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ApiProblem>(Json, ct);
            }
            catch (JsonException)
            {
            }
        }

        problem = (problem ?? new ApiProblem()) with { Status = (int)response.StatusCode };
        return new ApiResult<T>(default, problem);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}

/// <summary>Either a value or the API's ProblemDetails.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>RFC 9457 ProblemDetails as the API sends it; <see cref="Errors"/> is keyed by JSON field name.</summary>
public sealed record ApiProblem
{
    public int Status { get; init; }
    public string? Type { get; init; }
    public string? Title { get; init; }
    public string? Detail { get; init; }
    public Dictionary<string, string[]>? Errors { get; init; }

    /// <summary>The last segment of <see cref="Type"/>, e.g. "bad-credentials".</summary>
    public string Code => Type is null ? "" : Type[(Type.LastIndexOf('/') + 1)..];

    public string[] For(string field) =>
        Errors?.FirstOrDefault(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).Value ?? [];
}

/// <summary>The address the portal uses to reach the API: Portal:ApiBaseUrl, else this host's first listening address.</summary>
public sealed class PortalApiAddress(IServer server, IOptions<PortalOptions> options)
{
    private Uri? baseUri;

    public Uri BaseUri => baseUri ??= Resolve();

    private Uri Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.ApiBaseUrl))
        {
            return new Uri(options.Value.ApiBaseUrl);
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var first = addresses.OrderBy(a => a.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? 1 : 0).FirstOrDefault()
            ?? throw new InvalidOperationException("The portal cannot find the API: set Portal:ApiBaseUrl.");
        // Wildcard bindings (http://+:80, http://[::]:80, http://0.0.0.0:80) are reached over loopback.
        var uri = new UriBuilder(first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri;
    }
}
