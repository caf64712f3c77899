using System.Text.Json;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Offers;

namespace BenefitProgram.Catalog.Domain;

/// <summary>A rule of the offer workflow was broken; the endpoint answers 409 with <see cref="Code"/> as the problem type.</summary>
internal sealed class OfferRuleException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// A partner's offer in one program. Its content (the columns below) is what members see while it is live. The workflow:
/// Draft → Submitted → Approved / Rejected → Live → Paused / Expired / Withdrawn. Editing an approved, live or paused offer
/// does not touch the content: it creates a pending <see cref="OfferRevision"/> that goes through submit/approve itself
/// and replaces the content only when approved, so the old version stays live meanwhile. Every step is in <see cref="History"/>.
/// </summary>
internal sealed class Offer
{
    public Guid Id { get; private set; }
    public Guid PartnerId { get; private set; }
    public Guid ProgramId { get; private set; }
    public OfferKind Kind { get; private set; }
    public OfferStatus Status { get; private set; }
    /// <summary>Number of the approved content; 1 for the first version.</summary>
    public int Revision { get; private set; } = 1;
    public string PartnerName { get; private set; } = "";
    public string Category { get; private set; } = "";
    public string TitleDe { get; private set; } = "";
    public string TitleEn { get; private set; } = "";
    public string DescriptionDe { get; private set; } = "";
    public string DescriptionEn { get; private set; } = "";
    public string? TermsDe { get; private set; }
    public string? TermsEn { get; private set; }
    public List<string> ImageUrls { get; private set; } = [];
    public DateTimeOffset ValidFrom { get; private set; }
    public DateTimeOffset? ValidUntil { get; private set; }
    public List<string> EligiblePlans { get; private set; } = [];
    public List<string> EligibleRegions { get; private set; } = [];
    public int? LimitCount { get; private set; }
    public LimitPeriod? LimitPeriod { get; private set; }
    public int? Stock { get; private set; }
    /// <summary>Redemptions counted against <see cref="Stock"/>.</summary>
    public int Redeemed { get; private set; }
    public long? BudgetMinorUnits { get; private set; }
    public string? LandingUrl { get; private set; }
    public string Currency { get; private set; } = "EUR";
    public int? DiscountBasisPoints { get; private set; }
    public long? DiscountFixedMinorUnits { get; private set; }
    public string? GenericCode { get; private set; }
    public int? CashbackRateBasisPoints { get; private set; }
    public long? CashbackFixedMinorUnits { get; private set; }
    public long? CashbackMinPurchaseMinorUnits { get; private set; }
    public long? CashbackCapPerPurchaseMinorUnits { get; private set; }
    public long? CashbackCapPerMemberPerYearMinorUnits { get; private set; }
    public int? CashbackReturnWindowDays { get; private set; }
    /// <summary>JSON object plan code → basis points (jsonb).</summary>
    public string? CashbackPlanRates { get; private set; }
    public string? RefundKind { get; private set; }
    public long? RefundCapPerClaimMinorUnits { get; private set; }
    public int? RefundClaimsPerYear { get; private set; }
    public bool? RefundProofRequired { get; private set; }
    public string? ServiceKind { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? LiveSince { get; private set; }
    public DateTimeOffset? StockLowAlertedAt { get; set; }
    public string? RejectionComment { get; private set; }
    public List<OfferRevision> Revisions { get; private set; } = [];
    public List<OfferHistoryEntry> History { get; private set; } = [];

    private Offer()
    {
    }

    public static Offer CreateDraft(Guid id, Guid partnerId, string partnerName, Guid programId, OfferInput input, string actor, DateTimeOffset now)
    {
        var offer = new Offer
        {
            Id = id,
            PartnerId = partnerId,
            PartnerName = partnerName,
            ProgramId = programId,
            Kind = input.Kind,
            Status = OfferStatus.Draft,
            CreatedAt = now,
        };
        offer.Apply(input, now);
        offer.Record("created", null, OfferStatus.Draft, actor, now, null);
        return offer;
    }

    public OfferRevision? PendingRevision =>
        Revisions.Where(r => r.Status is RevisionStatus.Draft or RevisionStatus.Submitted or RevisionStatus.Rejected)
            .OrderByDescending(r => r.Number).FirstOrDefault();

    /// <summary>Edits the offer: directly while it was never approved, else as a pending revision.</summary>
    public void Edit(OfferInput input, string actor, DateTimeOffset now)
    {
        if (input.Kind != Kind)
        {
            throw new OfferRuleException("offer-kind-fixed", $"An offer's kind cannot change (it is {Kind}); create a new offer instead.");
        }

        switch (Status)
        {
            case OfferStatus.Draft or OfferStatus.Rejected or OfferStatus.Submitted:
                var from = Status;
                Apply(input, now);
                Status = OfferStatus.Draft;
                Record("edited", from, Status, actor, now, null);
                break;
            case OfferStatus.Approved or OfferStatus.Live or OfferStatus.Paused:
                var pending = PendingRevision;
                if (pending is null)
                {
                    pending = OfferRevision.Create(Id, Revision + 1, input, now);
                    Revisions.Add(pending);
                }
                else
                {
                    pending.Replace(input, now);
                }

                Record($"revision {pending.Number} edited", Status, Status, actor, now, null);
                break;
            default:
                throw new OfferRuleException("offer-not-editable", $"A {Status.ToString().ToLowerInvariant()} offer cannot be edited.");
        }
    }

    public int Submit(string actor, DateTimeOffset now)
    {
        if (Status is OfferStatus.Draft or OfferStatus.Rejected)
        {
            var from = Status;
            Status = OfferStatus.Submitted;
            RejectionComment = null;
            Record("submitted", from, Status, actor, now, null);
            return Revision;
        }

        if (Status is OfferStatus.Approved or OfferStatus.Live or OfferStatus.Paused
            && PendingRevision is { Status: RevisionStatus.Draft or RevisionStatus.Rejected } revision)
        {
            revision.Submit(now);
            Record($"revision {revision.Number} submitted", Status, Status, actor, now, null);
            return revision.Number;
        }

        throw new OfferRuleException("offer-not-submittable", Status is OfferStatus.Submitted || PendingRevision?.Status == RevisionStatus.Submitted
            ? "The offer is already waiting for approval."
            : $"A {Status.ToString().ToLowerInvariant()} offer has nothing to submit.");
    }

    /// <summary>The operator approves what was submitted. A first version goes live at once when its validity has begun.</summary>
    public (int Revision, bool WentLive) Approve(string actor, DateTimeOffset now)
    {
        if (Status == OfferStatus.Submitted)
        {
            Status = OfferStatus.Approved;
            Record("approved", OfferStatus.Submitted, Status, actor, now, null);
            return (Revision, GoLiveIfDue(now));
        }

        if (PendingRevision is { Status: RevisionStatus.Submitted } revision)
        {
            Apply(revision.Read(), now);
            Revision = revision.Number;
            revision.Decide(RevisionStatus.Approved, null, now);
            Record($"revision {revision.Number} approved", Status, Status, actor, now, null);
            return (Revision, false);
        }

        throw new OfferRuleException("offer-not-submitted", "Only a submitted offer (or revision) can be approved.");
    }

    public int Reject(string comment, string actor, DateTimeOffset now)
    {
        if (Status == OfferStatus.Submitted)
        {
            Status = OfferStatus.Rejected;
            RejectionComment = comment;
            Record("rejected", OfferStatus.Submitted, Status, actor, now, comment);
            return Revision;
        }

        if (PendingRevision is { Status: RevisionStatus.Submitted } revision)
        {
            revision.Decide(RevisionStatus.Rejected, comment, now);
            Record($"revision {revision.Number} rejected", Status, Status, actor, now, comment);
            return revision.Number;
        }

        throw new OfferRuleException("offer-not-submitted", "Only a submitted offer (or revision) can be rejected.");
    }

    public bool GoLiveIfDue(DateTimeOffset now)
    {
        if (Status == OfferStatus.Approved && ValidFrom <= now && (ValidUntil is null || now < ValidUntil))
        {
            Status = OfferStatus.Live;
            LiveSince ??= now;
            Record("went live", OfferStatus.Approved, Status, "system", now, null);
            return true;
        }

        return false;
    }

    public bool ExpireIfDue(DateTimeOffset now)
    {
        if (Status is OfferStatus.Approved or OfferStatus.Live or OfferStatus.Paused && ValidUntil is { } until && until <= now)
        {
            var from = Status;
            Status = OfferStatus.Expired;
            Record("expired", from, Status, "system", now, null);
            return true;
        }

        return false;
    }

    public void Pause(string actor, DateTimeOffset now) => Move(OfferStatus.Live, OfferStatus.Paused, "paused", actor, now);

    public void Resume(string actor, DateTimeOffset now) => Move(OfferStatus.Paused, OfferStatus.Live, "resumed", actor, now);

    public void Withdraw(string actor, DateTimeOffset now)
    {
        if (Status is OfferStatus.Withdrawn or OfferStatus.Expired)
        {
            throw new OfferRuleException("offer-not-withdrawable", $"A {Status.ToString().ToLowerInvariant()} offer cannot be withdrawn.");
        }

        var from = Status;
        Status = OfferStatus.Withdrawn;
        Record("withdrawn", from, Status, actor, now, null);
    }

    private void Move(OfferStatus from, OfferStatus to, string action, string actor, DateTimeOffset now)
    {
        if (Status != from)
        {
            throw new OfferRuleException($"offer-not-{from.ToString().ToLowerInvariant()}",
                $"Only a {from.ToString().ToLowerInvariant()} offer can be {action}; this one is {Status.ToString().ToLowerInvariant()}.");
        }

        Status = to;
        Record(action, from, to, actor, now, null);
    }

    private void Record(string action, OfferStatus? from, OfferStatus to, string actor, DateTimeOffset now, string? comment)
    {
        UpdatedAt = now;
        History.Add(new OfferHistoryEntry
        {
            OfferId = Id,
            At = now,
            Action = action,
            FromStatus = from,
            ToStatus = to,
            Actor = actor,
            Comment = comment,
        });
    }

    private void Apply(OfferInput input, DateTimeOffset now)
    {
        Category = input.Category;
        TitleDe = input.Title.De.Trim();
        TitleEn = input.Title.En.Trim();
        DescriptionDe = input.Description.De.Trim();
        DescriptionEn = input.Description.En.Trim();
        TermsDe = input.Terms?.De;
        TermsEn = input.Terms?.En;
        ImageUrls = input.ImageUrls?.ToList() ?? [];
        ValidFrom = input.ValidFrom.ToUniversalTime();
        ValidUntil = input.ValidUntil?.ToUniversalTime();
        EligiblePlans = input.EligiblePlans.Distinct().ToList();
        EligibleRegions = input.EligibleRegions?.Distinct().ToList() ?? [];
        LimitCount = input.Limit?.Count;
        LimitPeriod = input.Limit?.Period;
        Stock = input.Stock;
        BudgetMinorUnits = input.BudgetMinorUnits;
        LandingUrl = input.LandingUrl;
        Currency = input.Currency ?? "EUR";
        DiscountBasisPoints = input.Discount?.PercentBasisPoints;
        DiscountFixedMinorUnits = input.Discount?.FixedMinorUnits;
        GenericCode = input.Coupon?.GenericCode;
        var cb = input.Cashback;
        CashbackRateBasisPoints = cb?.RateBasisPoints;
        CashbackFixedMinorUnits = cb?.FixedMinorUnits;
        CashbackMinPurchaseMinorUnits = cb?.MinPurchaseMinorUnits;
        CashbackCapPerPurchaseMinorUnits = cb?.CapPerPurchaseMinorUnits;
        CashbackCapPerMemberPerYearMinorUnits = cb?.CapPerMemberPerYearMinorUnits;
        CashbackReturnWindowDays = cb?.ReturnWindowDays;
        CashbackPlanRates = cb is null ? null : JsonSerializer.Serialize(cb.RateBasisPointsByPlan ?? []);
        RefundKind = input.Refund?.RefundKind;
        RefundCapPerClaimMinorUnits = input.Refund?.CapPerClaimMinorUnits;
        RefundClaimsPerYear = input.Refund?.ClaimsPerYear;
        RefundProofRequired = input.Refund?.ProofRequired;
        ServiceKind = input.Service?.ServiceKind;
        UpdatedAt = now;
    }

    public OfferInput ToInput() => new(
        Kind, Category, new LocalizedText(TitleDe, TitleEn), new LocalizedText(DescriptionDe, DescriptionEn),
        TermsDe is null && TermsEn is null ? null : new LocalizedText(TermsDe ?? "", TermsEn ?? ""),
        ImageUrls, ValidFrom, ValidUntil, EligiblePlans, EligibleRegions,
        LimitCount is { } n && LimitPeriod is { } p ? new MemberLimit(n, p) : null,
        Stock, BudgetMinorUnits, LandingUrl, Currency,
        Kind == OfferKind.Discount ? new DiscountDetails(DiscountBasisPoints, DiscountFixedMinorUnits) : null,
        Kind == OfferKind.Coupon ? new CouponDetails(GenericCode) : null,
        CashbackTerms() is { } c ? new CashbackDetails(c.RateBasisPoints, c.FixedMinorUnits, c.MinPurchaseMinorUnits, c.CapPerPurchaseMinorUnits,
            c.CapPerMemberPerYearMinorUnits, c.ReturnWindowDays, c.RateBasisPointsByPlan.ToDictionary()) : null,
        RefundTerms() is { } r ? new RefundDetails(r.RefundKind, r.CapPerClaimMinorUnits, r.ClaimsPerYear, r.ProofRequired) : null,
        ServiceKind is null ? null : new ServiceDetails(ServiceKind));

    public CashbackTerms? CashbackTerms() => Kind != OfferKind.Cashback ? null : new CashbackTerms(
        CashbackRateBasisPoints, CashbackFixedMinorUnits, CashbackMinPurchaseMinorUnits ?? 0, CashbackCapPerPurchaseMinorUnits,
        CashbackCapPerMemberPerYearMinorUnits, CashbackReturnWindowDays ?? 0,
        JsonSerializer.Deserialize<Dictionary<string, int>>(CashbackPlanRates ?? "{}") ?? [], Currency);

    public RefundTerms? RefundTerms() => Kind != OfferKind.Refund ? null : new RefundTerms(
        RefundKind ?? "", RefundCapPerClaimMinorUnits ?? 0, RefundClaimsPerYear ?? 0, RefundProofRequired ?? false, Currency);

    public OfferTerms ToTerms() => new(Id, PartnerId, ProgramId, Kind, Status, ValidFrom, ValidUntil, EligiblePlans, EligibleRegions,
        TitleDe, TitleEn, CashbackTerms(), RefundTerms());
}

internal enum RevisionStatus
{
    Draft,
    Submitted,
    Approved,
    Rejected,
}

/// <summary>A proposed new version of an approved offer; the content is an <see cref="OfferInput"/> as JSON.</summary>
internal sealed class OfferRevision
{
    public Guid Id { get; private set; }
    public Guid OfferId { get; private set; }
    public int Number { get; private set; }
    public RevisionStatus Status { get; private set; }
    public string Content { get; private set; } = "{}";
    public string? Comment { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OfferRevision Create(Guid offerId, int number, OfferInput input, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        OfferId = offerId,
        Number = number,
        Status = RevisionStatus.Draft,
        Content = JsonSerializer.Serialize(input, Json),
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void Replace(OfferInput input, DateTimeOffset now)
    {
        Content = JsonSerializer.Serialize(input, Json);
        Status = RevisionStatus.Draft;
        Comment = null;
        UpdatedAt = now;
    }

    public OfferInput Read() => JsonSerializer.Deserialize<OfferInput>(Content, Json)!;

    public void Submit(DateTimeOffset now)
    {
        Status = RevisionStatus.Submitted;
        UpdatedAt = now;
    }

    public void Decide(RevisionStatus status, string? comment, DateTimeOffset now)
    {
        Status = status;
        Comment = comment;
        UpdatedAt = now;
    }
}

/// <summary>One recorded step of an offer's workflow.</summary>
internal sealed class OfferHistoryEntry
{
    public long Id { get; set; }
    public Guid OfferId { get; set; }
    public DateTimeOffset At { get; set; }
    public string Action { get; set; } = "";
    public OfferStatus? FromStatus { get; set; }
    public OfferStatus ToStatus { get; set; }
    public string Actor { get; set; } = "";
    public string? Comment { get; set; }
}
