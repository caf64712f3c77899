using BenefitProgram.Common.Http;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Platform.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace BenefitProgram.Notifications.Unsubscribe;

/// <summary>The answer to an unsubscribe: the member gets no more marketing mail from the program.</summary>
public sealed record UnsubscribeAnswer(bool Unsubscribed, string Message);

internal static class UnsubscribeEndpoints
{
    /// <summary>
    /// <c>GET|POST /api/v1/programs/{slug}/unsubscribe?token=</c> (public): the link in every marketing mail and the
    /// target of the one-click List-Unsubscribe-Post. Sets the member's marketing consent to false (audited by Members);
    /// the same token again answers the same. A token that is not genuine, or not of this program, answers 400.
    /// </summary>
    public static void MapUnsubscribe(this IEndpointRouteBuilder api)
    {
        api.MapMethods("/programs/{slug}/unsubscribe", [HttpMethods.Get, HttpMethods.Post], async Task<Results<Ok<UnsubscribeAnswer>, ProblemHttpResult>> (
            string slug, string? token, IProgramDirectory programs, UnsubscribeLinks links, IMemberConsents consents, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var program = await programs.FindBySlugAsync(slug, ct);
            if (program is null)
            {
                return Problems.NotFound($"The program '{slug}'");
            }

            if (links.Read(token) is not { } who || who.ProgramId != program.Id
                || !await consents.WithdrawMarketingConsentAsync(program.Id, who.MemberId, "member:unsubscribe-link", ct))
            {
                return Problems.BadRequest("invalid-unsubscribe-token", "The unsubscribe link is not valid. Please use the link from the e-mail unchanged.");
            }

            loggers.CreateLogger("BenefitProgram.Notifications.Unsubscribe").LogInformation(
                "Member {MemberId} unsubscribed from marketing mail of program {ProgramId}", who.MemberId, program.Id);
            return TypedResults.Ok(new UnsubscribeAnswer(true,
                $"You will receive no more news from {program.Name}. / Sie erhalten keine Neuigkeiten von {program.Name} mehr."));
        }).AllowAnonymous().WithTags("Notifications")
            .WithSummary("Unsubscribes a member from marketing mail with the signed token of the link in the mail (public).");
    }
}
