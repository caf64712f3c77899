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

public sealed record JobRunView(string Job, string Period, string TimeZone, string Outcome, int Attempts, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    double? Seconds, long RowsAffected, string? Error, string RunBy);

public sealed record NightQueued(string Night, string? TimeZone, string HangfireJobId);

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
            return TypedResults.Ok(rows.Select(r => new JobRunView(r.Job, r.Period, r.Zone, r.Outcome.ToString(), r.Attempts, r.StartedAt, r.FinishedAt,
                r.FinishedAt is { } f ? (f - r.StartedAt).TotalSeconds : null, r.RowsAffected, r.Error, r.RunBy)).ToList());
        }).WithSummary("Run records of the nightly jobs: start, end, rows affected, outcome.");

        jobs.MapPost("/nights/{night}", async Task<Results<Accepted<NightQueued>, ProblemHttpResult, ValidationProblem>> (
            string night, string? timeZone, PlatformDbContext db, IBackgroundJobClient hangfire, TimeProvider clock, CancellationToken ct) =>
        {
            if (!DateOnly.TryParseExact(night, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return Problems.BadRequest("bad-date", "The night must be a date like 2026-11-24.");
            }

            if (timeZone is not null && !NightScope.IsIanaTimeZone(timeZone))
            {
                return Problems.Validation("timeZone", "Use an IANA time zone id like Europe/Berlin.");
            }

            // The night of D is over in a zone once D has ended there; "all zones" waits for the last of them.
            var zones = await db.Programs.AsNoTracking().Select(p => p.TimeZone).Distinct().ToListAsync(ct);
            if (timeZone is not null)
            {
                if (!zones.Contains(timeZone))
                {
                    return Problems.Unprocessable("no-programs-in-time-zone", $"No program has the time zone {timeZone}; its night has nothing to do.");
                }

                zones = [timeZone];
            }

            var now = clock.GetUtcNow();
            if (zones.FirstOrDefault(z => date >= NightScope.LocalDate(now, z)) is { } notOver)
            {
                return Problems.Unprocessable("night-not-over", $"The night of {night} is not over yet in {notOver}.");
            }

            var id = timeZone is null
                ? hangfire.Enqueue<INightRunner>(r => r.RunNightAsync(date, CancellationToken.None))
                : hangfire.Enqueue<INightRunner>(r => r.RunNightAsync(date, timeZone, CancellationToken.None));
            return TypedResults.Accepted($"/api/v1/ops/jobs/runs", new NightQueued(night, timeZone, id));
        }).WithSummary("Runs (again) the night of a date in every program time zone, or in ?timeZone= only; steps that already succeeded for it are skipped.");
    }
}
