using BenefitProgram.Common.Security;
using BenefitProgram.Notifications.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Notifications.Log;

public sealed record NotificationLogEntry(Guid Id, string Kind, string Category, string RecipientKind, Guid RecipientId, string? RecipientEmail,
    string Language, string Subject, string Status, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

internal static class NotificationLogEndpoints
{
    public static void MapNotificationLog(this IEndpointRouteBuilder api)
    {
        var ops = api.MapGroup("/ops/notifications").WithTags("Notifications").RequireAuthorization(Policies.Operator);

        ops.MapGet("/", async (NotificationsDbContext db, CurrentActor actor, string? status, string? kind, int? take, CancellationToken ct) =>
        {
            var programId = actor.RequireProgram();
            var query = db.Notifications.AsNoTracking().Where(n => n.ProgramId == programId);
            if (!string.IsNullOrWhiteSpace(status) && Enum.TryParse<NotificationStatus>(status, ignoreCase: true, out var s))
            {
                query = query.Where(n => n.Status == s);
            }

            if (!string.IsNullOrWhiteSpace(kind))
            {
                query = query.Where(n => n.Kind == kind);
            }

            var rows = await query.OrderByDescending(n => n.CreatedAt).ThenBy(n => n.Id).Take(Math.Clamp(take ?? 100, 1, 1000)).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(n => new NotificationLogEntry(n.Id, n.Kind, n.Category, n.RecipientKind, n.RecipientId, n.RecipientEmail,
                n.Language, n.Subject, n.Status.ToString(), n.Attempts, n.LastError, n.CreatedAt, n.SentAt)).ToList());
        }).WithSummary("The notification log of the operator's program: every mail, its recipient, status, attempts and last error.");
    }
}
