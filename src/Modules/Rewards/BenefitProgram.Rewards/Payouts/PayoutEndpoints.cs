using System.Globalization;
using System.Text;
using System.Xml.Linq;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Rewards.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace BenefitProgram.Rewards.Payouts;

public sealed record PreparePayoutRequest(string PeriodKey);

public sealed record PayoutBatchView(Guid Id, string PeriodKey, string Currency, long ThresholdMinorUnits, int LineCount, long TotalMinorUnits,
    DateTimeOffset CreatedAt, bool Created, IReadOnlyList<PayoutLineView>? Lines);

public sealed record PayoutLineView(Guid Id, Guid MemberId, long AmountMinorUnits, string Currency, string Status, string? FailureReason);

public sealed record PayoutResultsRequest(IReadOnlyList<PayoutLineResult> Lines);

internal sealed class PreparePayoutRequestValidator : AbstractValidator<PreparePayoutRequest>
{
    public PreparePayoutRequestValidator() =>
        RuleFor(r => r.PeriodKey).NotEmpty().Matches("^[0-9]{4}-(0[1-9]|1[0-2])$").WithMessage("Use a month like 2026-11.");
}

internal sealed class PayoutResultsRequestValidator : AbstractValidator<PayoutResultsRequest>
{
    public PayoutResultsRequestValidator()
    {
        RuleFor(r => r.Lines).NotEmpty();
        RuleForEach(r => r.Lines).ChildRules(l =>
        {
            l.RuleFor(x => x.Status).Must(s => s is "Paid" or "Failed").WithMessage("Use Paid or Failed.");
            l.RuleFor(x => x.Reason).MaximumLength(300);
        });
    }
}

internal static class PayoutEndpoints
{
    public static void MapPayouts(this IEndpointRouteBuilder api)
    {
        var ops = api.MapGroup("/ops/rewards/payout-batches").WithTags("Operator payouts").RequireAuthorization(Policies.Operator);

        ops.MapPost("", async Task<Results<Created<PayoutBatchView>, Ok<PayoutBatchView>, ProblemHttpResult>> (
            PreparePayoutRequest request, CurrentActor actor, PayoutService payouts, IProgramDirectory programs, RewardsDbContext db, CancellationToken ct) =>
        {
            var program = await programs.FindByIdAsync(actor.RequireProgram(), ct);
            if (program is null)
            {
                return Problems.NotFound("Your program");
            }

            var prepared = await payouts.PrepareAsync(program.Id, request.PeriodKey, program.Currency, actor.AuditName, ct);
            var view = await ViewAsync(db, program.Id, prepared.BatchId, prepared.Created, ct);
            return prepared.Created ? TypedResults.Created($"/api/v1/ops/rewards/payout-batches/{prepared.BatchId}", view!) : TypedResults.Ok(view!);
        }).Validate<PreparePayoutRequest>().WithIdempotency()
          .WithSummary("Prepares the payout batch of a period; a second call for the same period answers the existing batch.");

        ops.MapGet("", async (CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var list = await db.PayoutBatches.AsNoTracking().Where(b => b.ProgramId == program).OrderByDescending(b => b.PeriodKey).Take(100).ToListAsync(ct);
            return TypedResults.Ok(list.Select(b => new PayoutBatchView(b.Id, b.PeriodKey, b.Currency, b.ThresholdMinor, b.LineCount, b.TotalMinor, b.CreatedAt, false, null)).ToList());
        });

        ops.MapGet("/{id:guid}", async Task<Results<Ok<PayoutBatchView>, ProblemHttpResult>> (Guid id, CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
            await ViewAsync(db, actor.RequireProgram(), id, false, ct) is { } view ? TypedResults.Ok(view) : Problems.NotFound("The payout batch"));

        ops.MapGet("/{id:guid}/export", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
            Guid id, string? format, CurrentActor actor, RewardsDbContext db, [FromServices] IMemberEntitlements members, IProgramDirectory programs,
            IConfiguration configuration, TimeProvider clock, CancellationToken ct) =>
        {
            var programId = actor.RequireProgram();
            var batch = await db.PayoutBatches.AsNoTracking().Include(b => b.Lines).SingleOrDefaultAsync(b => b.Id == id && b.ProgramId == programId, ct);
            if (batch is null)
            {
                return Problems.NotFound("The payout batch");
            }

            var lines = batch.Lines.Where(l => l.Status == PayoutLineStatus.Pending).OrderBy(l => l.Id).ToList();
            var numbers = await members.GetManyAsync(programId, lines.Select(l => l.MemberId).ToList(), ct);
            string Number(Guid memberId) => numbers.TryGetValue(memberId, out var e) ? e.MemberNumber : memberId.ToString("N");
            if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
            {
                var csv = new StringBuilder("line_id,member_id,member_number,amount,currency,reference\n");
                foreach (var l in lines)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{l.Id},{l.MemberId},{Number(l.MemberId)},{l.AmountMinor / 100m:0.00},{l.Currency},Cashback {batch.PeriodKey}\n");
                }

                return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"payout-{batch.PeriodKey}.csv");
            }

            var program = await programs.FindByIdAsync(programId, ct);
            var xml = Pain001(batch, lines, Number, program?.Name ?? "BenefitProgram", configuration["Rewards:Payouts:DebtorIban"] ?? "DE02120300000000202051",
                configuration["Rewards:Payouts:DebtorBic"] ?? "BYLADEM1001", clock.GetUtcNow());
            return TypedResults.File(Encoding.UTF8.GetBytes(xml), "application/xml", $"payout-{batch.PeriodKey}.xml");
        }).WithSummary("The batch's open lines as a SEPA credit-transfer file (pain.001.001.03, default) or CSV (format=csv).");

        ops.MapPost("/{id:guid}/results", async Task<Results<Ok<PayoutBatchView>, ProblemHttpResult>> (
            Guid id, PayoutResultsRequest request, CurrentActor actor, PayoutService payouts, RewardsDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var changed = await payouts.ApplyResultsAsync(program, id, request.Lines, actor.AuditName, ct);
            return changed is null ? Problems.NotFound("The payout batch") : TypedResults.Ok((await ViewAsync(db, program, id, false, ct))!);
        }).Validate<PayoutResultsRequest>().WithIdempotency()
          .WithSummary("Records the bank's result per line: Paid, or Failed (the money returns to the member's balance). Resolved lines are not changed again.");
    }

    private static async Task<PayoutBatchView?> ViewAsync(RewardsDbContext db, Guid program, Guid id, bool created, CancellationToken ct)
    {
        var b = await db.PayoutBatches.AsNoTracking().Include(x => x.Lines).SingleOrDefaultAsync(x => x.Id == id && x.ProgramId == program, ct);
        return b is null ? null : new PayoutBatchView(b.Id, b.PeriodKey, b.Currency, b.ThresholdMinor, b.LineCount, b.TotalMinor, b.CreatedAt, created,
            b.Lines.OrderBy(l => l.Id).Select(l => new PayoutLineView(l.Id, l.MemberId, l.AmountMinor, l.Currency, l.Status.ToString(), l.FailureReason)).ToList());
    }

    /// <summary>
    /// A pain.001.001.03 credit transfer. The co-branding bank knows its customers by member number, so the creditor
    /// account is given as a proprietary id (Othr/Id = member number) for the bank to resolve to the customer's account.
    /// </summary>
    internal static string Pain001(PayoutBatch batch, IReadOnlyList<PayoutLine> lines, Func<Guid, string> memberNumber, string debtorName, string debtorIban, string debtorBic, DateTimeOffset now)
    {
        XNamespace ns = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
        static string Amount(long minor) => (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);
        var msgId = $"BP-{batch.Id:N}"[..35];
        var total = lines.Sum(l => l.AmountMinor);
        var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(ns + "Document",
                new XElement(ns + "CstmrCdtTrfInitn",
                    new XElement(ns + "GrpHdr",
                        new XElement(ns + "MsgId", msgId),
                        new XElement(ns + "CreDtTm", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
                        new XElement(ns + "NbOfTxs", lines.Count),
                        new XElement(ns + "CtrlSum", Amount(total)),
                        new XElement(ns + "InitgPty", new XElement(ns + "Nm", Truncate(debtorName, 70)))),
                    new XElement(ns + "PmtInf",
                        new XElement(ns + "PmtInfId", msgId),
                        new XElement(ns + "PmtMtd", "TRF"),
                        new XElement(ns + "NbOfTxs", lines.Count),
                        new XElement(ns + "CtrlSum", Amount(total)),
                        new XElement(ns + "PmtTpInf", new XElement(ns + "SvcLvl", new XElement(ns + "Cd", "SEPA"))),
                        new XElement(ns + "ReqdExctnDt", now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                        new XElement(ns + "Dbtr", new XElement(ns + "Nm", Truncate(debtorName, 70))),
                        new XElement(ns + "DbtrAcct", new XElement(ns + "Id", new XElement(ns + "IBAN", debtorIban))),
                        new XElement(ns + "DbtrAgt", new XElement(ns + "FinInstnId", new XElement(ns + "BIC", debtorBic))),
                        new XElement(ns + "ChrgBr", "SLEV"),
                        lines.Select(l => new XElement(ns + "CdtTrfTxInf",
                            new XElement(ns + "PmtId", new XElement(ns + "EndToEndId", l.Id.ToString("N")[..32])),
                            new XElement(ns + "Amt", new XElement(ns + "InstdAmt", new XAttribute("Ccy", l.Currency), Amount(l.AmountMinor))),
                            new XElement(ns + "Cdtr", new XElement(ns + "Nm", Truncate($"Member {memberNumber(l.MemberId)}", 70))),
                            new XElement(ns + "CdtrAcct", new XElement(ns + "Id", new XElement(ns + "Othr",
                                new XElement(ns + "Id", Truncate(memberNumber(l.MemberId), 34)),
                                new XElement(ns + "SchmeNm", new XElement(ns + "Prtry", "MEMBER-NUMBER"))))),
                            new XElement(ns + "RmtInf", new XElement(ns + "Ustrd", Truncate($"Cashback {batch.PeriodKey}", 140)))))))));
        using var writer = new Utf8StringWriter();
        doc.Save(writer);
        return writer.ToString();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter() : base(CultureInfo.InvariantCulture) { }
        public override Encoding Encoding => Encoding.UTF8;
    }
}
