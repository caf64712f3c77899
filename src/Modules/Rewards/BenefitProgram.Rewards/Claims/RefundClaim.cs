namespace BenefitProgram.Rewards.Claims;

internal enum ClaimStatus
{
    InReview,
    Approved,
    PartlyApproved,
    Rejected,
}

/// <summary>A member's refund claim (e.g. airport taxi) with its receipt and the decision.</summary>
internal sealed class RefundClaim
{
    public Guid Id { get; init; }
    public Guid ProgramId { get; init; }
    public Guid MemberId { get; init; }
    public Guid OfferId { get; init; }
    public Guid PartnerId { get; init; }
    public string RefundKind { get; init; } = "";
    public long RequestedMinor { get; init; }
    public long? ApprovedMinor { get; set; }
    public string Currency { get; init; } = "";
    public DateOnly TripDate { get; init; }
    public Guid? TripPurchaseId { get; init; }
    public ClaimStatus Status { get; set; }
    public string? Reason { get; set; }
    public bool DecidedAutomatically { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string ReceiptSha256 { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The receipt file, stored in PostgreSQL; the client's file name is kept only as text, never as a path.</summary>
internal sealed class ClaimReceipt
{
    public Guid ClaimId { get; init; }
    public string ContentType { get; init; } = "";
    public string FileName { get; init; } = "";
    public long Size { get; init; }
    public byte[] Data { get; init; } = [];
}
