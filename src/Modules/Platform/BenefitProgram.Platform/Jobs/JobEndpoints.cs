using System.Globalization;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Persistence;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Jobs;

public sealed record JobRunView(string Job, string Period, string Outcome, int Attempts, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    double? Seconds, long RowsAffected, string? Error, string RunBy);

public sealed record NightQueued(string Night, string HangfireJobId);

internal static class JobEndpoints
{
    public static void MapJobs(this IEndpointRouteBuilder api)
    {
        var jobs = api.MapGroup("/ops/jobs").WithTags("Nightly jobs").RequireAuthorization(Policies.Operator);

        jobs.MapGet("/runs", async (PlatformDbContext db, string? job, int? take, CancellationToken ct) =>
        {
            var query = db.JobRuns.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(job))
            {
                query = query.Where(r => r.Job == job);
            }

            var rows = await query.OrderByDescending(r => r.StartedAt).Take(Math.Clamp(take ?? 100, 1, 1000)).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(r => new JobRunView(r.Job, r.Period, r.Outcome.ToString(), r.Attempts, r.StartedAt, r.FinishedAt,
                r.FinishedAt is { } f ? (f - r.StartedAt).TotalSeconds : null, r.RowsAffected, r.Error, r.RunBy)).ToList());
        }).WithSummary("Run records of the nightly jobs: start, end, rows affected, outcome.");

        jobs.MapPost("/nights/{night}", Results<Accepted<NightQueued>, ProblemHttpResult> (string night, IBackgroundJobClient hangfire, TimeProvider clock) =>
        {
            if (!DateOnly.TryParseExact(night, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return Problems.BadRequest("bad-date", "The night must be a date like 2026-11-24.");
            }

            if (date >= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            {
                return Problems.Unprocessable("night-not-over", $"The night of {night} is not over yet.");
            }

            var id = hangfire.Enqueue<INightRunner>(r => r.RunNightAsync(date, CancellationToken.None));
            return TypedResults.Accepted($"/api/v1/ops/jobs/runs", new NightQueued(night, id));
        }).WithSummary("Runs (again) the night of a date; steps that already succeeded for it are skipped.");
    }
}
