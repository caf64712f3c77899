using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace BenefitProgram.Common.Http;

/// <summary>
/// Turns exceptions into RFC 9457 ProblemDetails. Bad input that reaches the framework
/// (malformed JSON, a wrong type, an oversized body) is the caller's problem: a 4xx that says what is wrong.
/// Anything else is ours: a 500 without internals.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", Describe(bad)),
            JsonException json => (StatusCodes.Status400BadRequest, "Bad request", $"The JSON body is malformed: {WithPath(json)}"),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                (499, "Client closed request", "The request was cancelled by the client."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred. It has been logged."),
        };

        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }
        else
        {
            logger.LogInformation("Rejected {Method} {Path} with {Status}: {Detail}", httpContext.Request.Method, httpContext.Request.Path, status, detail);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
                Type = "https://benefitprogram.dev/problems/" + (status == 500 ? "internal" : "bad-request"),
            },
        });
    }

    /// <summary>A converter's own message does not say where in the body it failed; the path does ($.firstName).</summary>
    private static string WithPath(JsonException json) =>
        json.Path is { Length: > 0 } path && !json.Message.Contains(path, StringComparison.Ordinal) ? $"{json.Message} Path: {path}." : json.Message;

    private static string Describe(BadHttpRequestException bad)
    {
        // The framework says which parameter failed; the inner JsonException says where in the body.
        var inner = bad.InnerException switch
        {
            JsonException json => WithPath(json),
            { } other => other.Message,
            null => null,
        };
        return inner is null ? bad.Message : $"{bad.Message} {inner}";
    }
}
