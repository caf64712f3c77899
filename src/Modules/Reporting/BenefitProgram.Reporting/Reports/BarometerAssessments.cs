using System.Text.Json;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using BenefitProgram.Platform.Contracts;
using Npgsql;

namespace BenefitProgram.Reporting.Reports;

/// <summary>One filled questionnaire: who, when, the six answers and the structure and social levels they gave.</summary>
public sealed record BarometerAssessmentView(long Id, DateTimeOffset AssessedAt, string Actor, string? ActorName, int StructureLevel, int SocialLevel,
    BarometerAnswers Answers, string? Comment);

/// <summary>
/// The questionnaires of a partner (GET /ops/reports/barometer/{partnerId}/assessments), newest first. The monthly
/// barometer (maturity) takes the latest questionnaire before a month's end; this list shows each one as soon as it is filled.
/// </summary>
internal static class BarometerAssessments
{
    public static void MapBarometerAssessments(this IEndpointRouteBuilder api)
    {
        api.MapGet("/ops/reports/barometer/{partnerId:guid}/assessments", async Task<Results<Ok<List<BarometerAssessmentView>>, ProblemHttpResult>> (
            Guid partnerId, CurrentActor actor, NpgsqlDataSource data, IAuditActorNames actorNames, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            await using (var check = data.CreateCommand("SELECT count(*) FROM catalog.partner_programs WHERE partner_id = @partner AND program_id = @p"))
            {
                check.Parameters.AddWithValue("partner", partnerId);
                check.Parameters.AddWithValue("p", program);
                if ((long)(await check.ExecuteScalarAsync(ct))! == 0)
                {
                    return Problems.NotFound("The partner");
                }
            }

            await using var command = data.CreateCommand("""
                SELECT id, assessed_at, actor, structure_level, social_level, answers::text, comment
                FROM reporting.barometer_assessments
                WHERE program_id = @p AND partner_id = @partner
                ORDER BY assessed_at DESC, id DESC
                LIMIT 100
                """);
            command.Parameters.AddWithValue("p", program);
            command.Parameters.AddWithValue("partner", partnerId);
            var list = new List<BarometerAssessmentView>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var answers = JsonSerializer.Deserialize<BarometerAnswers>(reader.GetString(5), JsonSerializerOptions.Web)!;
                list.Add(new BarometerAssessmentView(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), null, reader.GetInt32(3),
                    reader.GetInt32(4), answers with { Comment = null }, reader.IsDBNull(6) ? null : reader.GetString(6)));
            }

            var names = await actorNames.NamesAsync(program, list.Select(a => a.Actor), ct);
            return TypedResults.Ok(list.Select(a => a with { ActorName = names.GetValueOrDefault(a.Actor) }).ToList());
        }).RequireAuthorization(Policies.Operator).WithTags("Reports")
            .WithSummary("The cooperation-barometer questionnaires of a partner of the operator's program, newest first (another program's partner: 404).");
    }
}
