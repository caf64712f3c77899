using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BenefitProgram.Common.Http;

/// <summary>
/// The ProblemDetails answers the modules give. Each names the problem in words a caller can act on;
/// <c>type</c> is a stable identifier that clients can switch on.
/// </summary>
public static class Problems
{
    private const string TypeBase = "https://benefitprogram.dev/problems/";

    public static ProblemHttpResult NotFound(string what) =>
        Make(StatusCodes.Status404NotFound, "not-found", "Not found", $"{what} was not found.");

    public static ProblemHttpResult Conflict(string code, string detail) =>
        Make(StatusCodes.Status409Conflict, code, "Conflict", detail);

    public static ProblemHttpResult Unprocessable(string code, string detail) =>
        Make(StatusCodes.Status422UnprocessableEntity, code, "The request cannot be carried out", detail);

    public static ProblemHttpResult BadRequest(string code, string detail) =>
        Make(StatusCodes.Status400BadRequest, code, "Bad request", detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        Make(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", detail);

    public static ProblemHttpResult TooLarge(string detail) =>
        Make(StatusCodes.Status413PayloadTooLarge, "too-large", "Payload too large", detail);

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail ?? "One or more fields are invalid.",
            type: TypeBase + "validation", title: "Validation failed");

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Make(int status, string code, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + code);
}
