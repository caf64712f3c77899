using System.Security.Cryptography;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Ledger;
using BenefitProgram.Rewards.Persistence;
using BenefitProgram.Rewards.Purchases;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Rewards.Claims;

internal sealed record ClaimSubmission(Guid OfferId, long AmountMinorUnits, string Currency, DateOnly TripDate, Guid? TripPurchaseId, byte[] Receipt, string FileName);

internal abstract record SubmitOutcome
{
    public sealed record Submitted(RefundClaim Claim, bool Repeat) : SubmitOutcome;
    public sealed record Invalid(string Code, string Detail) : SubmitOutcome;
}

/// <summary>Receipt checks: size and the file's own first bytes (not the client's content type or name).</summary>
internal static class Receipts
{
    public const long MaxBytes = 5 * 1024 * 1024;

    public static string? Sniff(ReadOnlySpan<byte> data) =>
        data.StartsWith("%PDF-"u8) ? "application/pdf"
        : data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF ? "image/jpeg"
        : data.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }) ? "image/png"
        : null;
}

internal static class ClaimReasons
{
    public const string NotEntitled = "plan-does-not-include-this-refund";
    public const string NotActiveOnTripDate = "membership-not-active-on-trip-date";
    public const string YearlyLimit = "yearly-claim-limit-reached";
    public const string NoMatchingTrip = "no-matching-travel-booking";
    public const string Capped = "approved-up-to-the-per-claim-cap";
}

/// <summary>
/// Refund claims: the rules decide where they can (reject when the plan does not include the refund, the membership was
/// not in good standing on the trip date, or the yearly count is used up; approve, capped at the per-claim cap, when a
/// travel booking of the member lies within <see cref="TripMatchDays"/> days of the trip date); otherwise the claim
/// waits for an operator. Approved amounts become available at once (ledger: member:available, funded per contract).
/// </summary>
internal sealed class ClaimService(RewardsDbContext db, IOfferDirectory offers, IPartnerDirectory partners, IMemberEntitlements members, TimeProvider clock)
{
    public const int TripMatchDays = 3;

    public async Task<SubmitOutcome> SubmitAsync(Guid programId, Guid memberId, ClaimSubmission s, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var contentType = Receipts.Sniff(s.Receipt);
        if (contentType is null)
        {
            return new SubmitOutcome.Invalid("receipt-type", "The receipt must be a PDF, JPEG or PNG file.");
        }

        var offer = await offers.GetAsync(s.OfferId, ct);
        if (offer is null || offer.ProgramId != programId || offer.Kind != OfferKind.Refund || offer.Refund is null)
        {
            return new SubmitOutcome.Invalid("offer-not-found", "The refund offer was not found.");
        }

        if (!string.Equals(offer.Refund.Currency, s.Currency, StringComparison.Ordinal))
        {
            return new SubmitOutcome.Invalid("currency-mismatch", $"Claims for this offer are in {offer.Refund.Currency}.");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(s.Receipt));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One decision at a time per member, so two claims at once cannot both use the last allowance.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"rewards:claims:" + memberId}, 0))", ct);
        var previous = await db.Claims.SingleOrDefaultAsync(c => c.ProgramId == programId && c.MemberId == memberId && c.ReceiptSha256 == sha, ct);
        if (previous is not null)
        {
            return new SubmitOutcome.Submitted(previous, Repeat: true);
        }

        var claim = new RefundClaim
        {
            Id = Guid.CreateVersion7(now),
            ProgramId = programId,
            MemberId = memberId,
            OfferId = offer.OfferId,
            PartnerId = offer.PartnerId,
            RefundKind = offer.Refund.RefundKind,
            RequestedMinor = s.AmountMinorUnits,
            Currency = s.Currency,
            TripDate = s.TripDate,
            TripPurchaseId = s.TripPurchaseId,
            Status = ClaimStatus.InReview,
            ReceiptSha256 = sha,
            CreatedAt = now,
        };
        db.Claims.Add(claim);
        db.ClaimReceipts.Add(new ClaimReceipt
        {
            ClaimId = claim.Id,
            ContentType = contentType,
            FileName = SafeName(s.FileName),
            Size = s.Receipt.Length,
            Data = s.Receipt,
        });

        var tripInstant = new DateTimeOffset(s.TripDate.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var entitlement = await members.GetAsync(programId, memberId, tripInstant, ct);
        var cap = entitlement?.RefundCaps.FirstOrDefault(c => c.Kind == offer.Refund.RefundKind);
        var perClaim = Math.Min(offer.Refund.CapPerClaimMinorUnits, cap?.MaxMinorUnitsPerClaim ?? long.MaxValue);
        var perYear = Math.Min(offer.Refund.ClaimsPerYear, cap?.ClaimsPerYear ?? int.MaxValue);
        var yearStart = new DateOnly(s.TripDate.Year, 1, 1);
        var yearEnd = yearStart.AddYears(1);
        var usedThisYear = await db.Claims.CountAsync(c => c.ProgramId == programId && c.MemberId == memberId && c.RefundKind == claim.RefundKind
            && c.TripDate >= yearStart && c.TripDate < yearEnd
            && (c.Status == ClaimStatus.Approved || c.Status == ClaimStatus.PartlyApproved || c.Status == ClaimStatus.InReview), ct);

        if (entitlement is null || cap is null || !entitlement.BenefitKinds.Contains(BenefitKinds.Refund, StringComparer.Ordinal)
            || (offer.EligiblePlans.Count > 0 && !offer.EligiblePlans.Contains(entitlement.PlanCode, StringComparer.Ordinal)))
        {
            Decide(claim, ClaimStatus.Rejected, null, ClaimReasons.NotEntitled, automatically: true, "rules", now);
        }
        else if (!entitlement.InGoodStanding)
        {
            Decide(claim, ClaimStatus.Rejected, null, ClaimReasons.NotActiveOnTripDate, automatically: true, "rules", now);
        }
        else if (usedThisYear >= perYear)
        {
            Decide(claim, ClaimStatus.Rejected, null, ClaimReasons.YearlyLimit, automatically: true, "rules", now);
        }
        else if (await HasMatchingTripAsync(programId, memberId, s.TripDate, s.TripPurchaseId, ct))
        {
            var approved = Math.Min(s.AmountMinorUnits, perClaim);
            Decide(claim, approved < s.AmountMinorUnits ? ClaimStatus.PartlyApproved : ClaimStatus.Approved, approved,
                approved < s.AmountMinorUnits ? ClaimReasons.Capped : null, automatically: true, "rules", now);
        }
        else
        {
            claim.Reason = ClaimReasons.NoMatchingTrip;
        }

        db.Publish(new ClaimSubmitted(programId, claim.Id, memberId, claim.RefundKind, claim.RequestedMinor, claim.Currency, claim.Status.ToString(), now), now);
        await PostDecisionAsync(claim, actor, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new SubmitOutcome.Submitted(claim, Repeat: false);
    }

    /// <summary>An operator decides a claim in review. Returns null when the claim is not in this program, false when it is not in review.</summary>
    public async Task<bool?> DecideAsync(Guid programId, Guid claimId, ClaimStatus decision, long? amount, string reason, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claim = await db.Claims.FromSql($"SELECT * FROM rewards.refund_claims WHERE id = {claimId} AND program_id = {programId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (claim is null)
        {
            return null;
        }

        if (claim.Status != ClaimStatus.InReview)
        {
            return false;
        }

        var approved = decision switch
        {
            ClaimStatus.Approved => claim.RequestedMinor,
            ClaimStatus.PartlyApproved => amount,
            _ => (long?)null,
        };
        Decide(claim, decision, approved, reason, automatically: false, actor, now);
        await PostDecisionAsync(claim, actor, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static void Decide(RefundClaim claim, ClaimStatus status, long? approved, string? reason, bool automatically, string by, DateTimeOffset now)
    {
        claim.Status = status;
        claim.ApprovedMinor = approved;
        claim.Reason = reason;
        claim.DecidedAutomatically = automatically;
        claim.DecidedBy = by;
        claim.DecidedAt = now;
    }

    private async Task PostDecisionAsync(RefundClaim claim, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (claim.Status == ClaimStatus.Rejected)
        {
            db.Publish(new ClaimRejected(claim.ProgramId, claim.Id, claim.MemberId, claim.RefundKind, claim.Reason ?? "rejected", claim.DecidedAutomatically, now), now);
        }

        if (claim.Status is ClaimStatus.Approved or ClaimStatus.PartlyApproved && claim.ApprovedMinor is > 0 and var amount)
        {
            var partner = await partners.GetAsync(claim.PartnerId, ct);
            var (partnerShare, programShare) = LedgerWriter.Split(amount, partner?.Terms.PartnerShareBasisPoints ?? 0);
            LedgerWriter.Post(db, claim.ProgramId, JournalKinds.RefundApproved, "refund-claim", claim.Id, $"claim:{claim.Id}", claim.Currency,
                $"Refund {claim.RefundKind} for the trip of {claim.TripDate:yyyy-MM-dd}", actor, now,
                new Posting(Accounts.MemberAvailable, claim.MemberId, amount),
                new Posting(Accounts.PartnerReceivable, claim.PartnerId, -partnerShare),
                new Posting(Accounts.ProgramRefundCost, claim.ProgramId, -programShare));
            db.Publish(new ClaimApproved(claim.ProgramId, claim.Id, claim.MemberId, claim.RefundKind, amount, claim.Currency, claim.DecidedAutomatically, now), now);
        }
    }

    private async Task<bool> HasMatchingTripAsync(Guid programId, Guid memberId, DateOnly tripDate, Guid? purchaseId, CancellationToken ct)
    {
        var from = tripDate.AddDays(-TripMatchDays);
        var to = tripDate.AddDays(TripMatchDays);
        return await db.Purchases.AnyAsync(p => p.ProgramId == programId && p.MemberId == memberId
            && (purchaseId == null || p.Id == purchaseId)
            && p.ServiceDate != null && p.ServiceDate >= from && p.ServiceDate <= to
            && p.State != CashbackState.Reversed, ct);
    }

    private static string SafeName(string name)
    {
        var clean = new string(Path.GetFileName(name ?? "").Where(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_').ToArray());
        return clean.Length == 0 ? "receipt" : clean[..Math.Min(clean.Length, 100)];
    }
}
