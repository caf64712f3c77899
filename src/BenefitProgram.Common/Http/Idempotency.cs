using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using BenefitProgram.Common.Security;

namespace BenefitProgram.Common.Http;

public abstract record IdempotencyBegin
{
    /// <summary>This request owns the key now and must run.</summary>
    public sealed record Started : IdempotencyBegin;
    /// <summary>The same request ran before; replay its answer.</summary>
    public sealed record Completed(int StatusCode, string? ContentType, byte[] Body) : IdempotencyBegin;
    /// <summary>The same key is being processed right now by another request.</summary>
    public sealed record InProgress : IdempotencyBegin;
    /// <summary>The key was used before for a different request.</summary>
    public sealed record Mismatch : IdempotencyBegin;
}

/// <summary>Stores Idempotency-Key records. Implemented by the Platform module (table platform.idempotency_requests).</summary>
public interface IIdempotencyStore
{
    Task<IdempotencyBegin> BeginAsync(string scope, string key, string requestHash, CancellationToken ct);
    Task CompleteAsync(string scope, string key, int statusCode, string? contentType, byte[] body, CancellationToken ct);
    Task AbandonAsync(string scope, string key, CancellationToken ct);
}

/// <summary>
/// Honours the <c>Idempotency-Key</c> header on POSTs that create money or redemptions: the first request with a key runs,
/// a repeat with the same key and body gets the first answer replayed (status and body), a repeat while the first still
/// runs gets 409, and the same key with a different body gets 422. Keys are scoped to the caller, so two callers
/// cannot collide. Server errors release the key so the client can retry.
/// See docs/adr/0005-idempotency-keys.md.
/// </summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return await next(context);
        }

        if (key.Length > 200 || key.Any(char.IsControl))
        {
            return Problems.BadRequest("idempotency-key", "The Idempotency-Key header must be at most 200 printable characters.");
        }

        var store = http.RequestServices.GetRequiredService<IIdempotencyStore>();
        var endpoint = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value;
        var scope = $"{http.Actor().AuditName} {http.Request.Method} {endpoint}";
        var hash = await HashRequestAsync(http.Request);
        var ct = http.RequestAborted;

        switch (await store.BeginAsync(scope, key, hash, ct))
        {
            case IdempotencyBegin.Completed done:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return new ReplayResult(done.StatusCode, done.ContentType, done.Body);
            case IdempotencyBegin.InProgress:
                return Problems.Conflict("idempotency-in-progress", "A request with this Idempotency-Key is still being processed; retry later.");
            case IdempotencyBegin.Mismatch:
                return Problems.Unprocessable("idempotency-key-reused", "This Idempotency-Key was already used for a different request.");
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await store.AbandonAsync(scope, key, CancellationToken.None);
            throw;
        }

        if (result is not IResult httpResult)
        {
            await store.AbandonAsync(scope, key, CancellationToken.None);
            return result;
        }

        // Execute the result into a buffer so the exact answer can be stored and replayed later.
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await httpResult.ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = original;
        }

        var body = buffer.ToArray();
        if (http.Response.StatusCode >= 500)
        {
            await store.AbandonAsync(scope, key, CancellationToken.None);
        }
        else
        {
            await store.CompleteAsync(scope, key, http.Response.StatusCode, http.Response.ContentType, body, CancellationToken.None);
        }

        await original.WriteAsync(body, ct);
        return EmptyAfterWrite.Instance;
    }

    private static async Task<string> HashRequestAsync(HttpRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(request.Path + request.QueryString + "\n"));
        if (request.HasFormContentType && request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            // A client that retries an upload builds a new multipart body with a new random boundary: hash what was sent
            // (fields and files), not the envelope, so the retry is recognised as the same request.
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            foreach (var field in form.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                AppendPart(sha, "field", field.Key, field.Value.ToString());
            }

            foreach (var file in form.Files.OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.FileName, StringComparer.Ordinal))
            {
                AppendPart(sha, "file", file.Name, file.FileName);
                await using var content = file.OpenReadStream();
                await AppendStreamAsync(sha, content);
            }
        }
        else if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            await AppendStreamAsync(sha, request.Body);
            request.Body.Position = 0;
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static void AppendPart(IncrementalHash sha, string kind, string name, string value)
    {
        // Length-prefixed, so "a"+"bc" and "ab"+"c" hash differently.
        var text = $"{kind}:{name.Length}:{name}:{value.Length}:{value}\n";
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(text));
    }

    private static async Task AppendStreamAsync(IncrementalHash sha, Stream stream)
    {
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk)) > 0)
        {
            sha.AppendData(chunk, 0, read);
        }
    }

    private sealed class ReplayResult(int status, string? contentType, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (contentType is not null)
            {
                httpContext.Response.ContentType = contentType;
            }

            await httpContext.Response.Body.WriteAsync(body);
        }
    }

    private sealed class EmptyAfterWrite : IResult
    {
        public static readonly EmptyAfterWrite Instance = new();
        public Task ExecuteAsync(HttpContext httpContext) => Task.CompletedTask;
    }
}

public static class IdempotencyExtensions
{
    /// <summary>Honours the Idempotency-Key header on this endpoint.</summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>()
            .WithMetadata(new IdempotentEndpointMetadata());

    /// <summary>Buffers request bodies that carry an Idempotency-Key so the filter can hash them after binding.</summary>
    public static IApplicationBuilder UseIdempotencyBuffering(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.ContainsKey(IdempotencyFilter.Header))
            {
                context.Request.EnableBuffering();
            }

            await next(context);
        });
}

public sealed class IdempotentEndpointMetadata;
