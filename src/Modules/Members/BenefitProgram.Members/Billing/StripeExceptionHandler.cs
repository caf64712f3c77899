using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Stripe;

namespace BenefitProgram.Members.Billing;

/// <summary>
/// Stripe refusing or failing a call (sign-up, checkout, reactivation, cancellation, plan change) is not the caller's
/// fault and not a bug of ours: a 502 ProblemDetails naming Stripe's error code instead of the host's catch-all 500.
/// Registered ahead of the host's handler (MembersModule). Nothing was saved: the calls come before SaveChanges.
/// </summary>
internal sealed class StripeExceptionHandler(IProblemDetailsService problems, ILogger<StripeExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StripeException stripe)
        {
            return false;
        }

        logger.LogWarning("Stripe refused {Method} {Path}: {Code} {Status}", httpContext.Request.Method, httpContext.Request.Path,
            stripe.StripeError?.Code, (int)stripe.HttpStatusCode);
        httpContext.Response.StatusCode = StatusCodes.Status502BadGateway;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status502BadGateway,
                Title = "Payment provider error",
                Detail = $"Stripe did not accept the request ({stripe.StripeError?.Code ?? ((int)stripe.HttpStatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}); nothing was changed, try again.",
                Type = "https://benefitprogram.dev/problems/payment-provider-error",
            },
        });
    }
}
