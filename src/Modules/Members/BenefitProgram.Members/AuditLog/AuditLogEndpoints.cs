using System.Globalization;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Platform.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.AuditLog;

/// <summary>
/// One audit-logged operator action. The member is named (name and number) so the console never shows a bare id;
/// an erased member keeps only the number (<paramref name="MemberErased"/>), actions without a member (a plan change,
/// an import) have none.
/// </summary>
/// <param name="ActorName">Who, in words: an operator's e-mail, "member" for the member themself, the source of an automatic
/// entry as written (e.g. "unsubscribe-link"); null for a user outside the program.</param>
public sealed record OpsAuditEntry(long Id, DateTimeOffset At, string Actor, string? ActorName, string Action, string? Detail,
    Guid? MemberId, string? MemberName, string? MemberNumber, bool MemberErased);

/// <summary>An actor of the log (the filter value) with its name.</summary>
public sealed record OpsAuditActor(string Actor, string? Name);

/// <summary>The newest entries matching the filter, and the actions and actors the program's log holds (for the filter lists).</summary>
public sealed record OpsAuditLog(IReadOnlyList<OpsAuditEntry> Entries, IReadOnlyList<string> Actions, IReadOnlyList<OpsAuditActor> Actors, bool More);

/// <summary>The operator audit trail across all members of the operator's program (GET /ops/audit).</summary>
internal static class AuditLogEndpoints
{
    public static void MapAuditLog(this IEndpointRouteBuilder api)
    {
        api.MapGet("/ops/audit", async Task<Results<Ok<OpsAuditLog>, ValidationProblem>> (
            string? actor, string? action, string? from, string? to, Guid? memberId, int? take, CurrentActor caller, MembersDbContext db, IAuditActorNames actorNames,
            CancellationToken ct) =>
        {
            var program = caller.RequireProgram();
            var errors = new Dictionary<string, string[]>();
            var first = Day(from, "from", errors);
            var last = Day(to, "to", errors);
            if (first is { } f && last is { } l && f > l)
            {
                errors["to"] = ["The end day must not be before the start day."];
            }

            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var limit = Math.Clamp(take ?? 200, 1, 1000);
            var query = db.AuditLog.AsNoTracking().Where(a => a.ProgramId == program);
            if (!string.IsNullOrWhiteSpace(actor))
            {
                query = query.Where(a => a.Actor == actor.Trim());
            }

            if (!string.IsNullOrWhiteSpace(action))
            {
                query = query.Where(a => a.Action == action.Trim());
            }

            if (memberId is { } member)
            {
                query = query.Where(a => a.MemberId == member);
            }

            if (first is { } start)
            {
                var since = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                query = query.Where(a => a.At >= since);
            }

            if (last is { } end)
            {
                var before = new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                query = query.Where(a => a.At < before);
            }

            // A left join on the member of the same program: names, not ids.
            var rows = await (from a in query
                              join m in db.Members.AsNoTracking().Where(m => m.ProgramId == program) on a.MemberId equals m.Id into named
                              from m in named.DefaultIfEmpty()
                              orderby a.At descending, a.Id descending
                              select new
                              {
                                  a.Id, a.At, a.Actor, a.Action, a.Detail, a.MemberId,
                                  First = m == null ? null : m.FirstName,
                                  Last = m == null ? null : m.LastName,
                                  Number = m == null ? null : m.MemberNumber,
                                  Erased = m != null && m.ErasedAt != null,
                              }).Take(limit + 1).ToListAsync(ct);
            var actions = await db.AuditLog.AsNoTracking().Where(a => a.ProgramId == program).Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
            var actors = await db.AuditLog.AsNoTracking().Where(a => a.ProgramId == program).Select(a => a.Actor).Distinct().OrderBy(a => a).ToListAsync(ct);
            var names = await actorNames.NamesAsync(program, actors, ct);
            string? Name(string a) => names.TryGetValue(a, out var n) ? n : a.StartsWith("user:", StringComparison.Ordinal) ? null : a;
            var entries = rows.Take(limit).Select(r => new OpsAuditEntry(r.Id, r.At, r.Actor, Name(r.Actor), r.Action, r.Detail, r.MemberId,
                r.Erased || r.Number is null ? null : $"{r.First} {r.Last}".Trim(), r.Number, r.Erased)).ToList();
            return TypedResults.Ok(new OpsAuditLog(entries, actions, actors.Select(a => new OpsAuditActor(a, Name(a))).OrderBy(a => a.Name ?? a.Actor, StringComparer.Ordinal).ToList(),
                rows.Count > limit));
        }).RequireAuthorization(Policies.Operator).WithTags("Members (operator)")
            .WithSummary("The operator audit trail of the program (support actions, plan changes, imports, erasures), newest first; filter by actor, action, member and UTC days.");
    }

    private static DateOnly? Day(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors[field] = ["Use a day like 2026-11-25."];
        return null;
    }
}
