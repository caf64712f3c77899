namespace BenefitProgram.Notifications.Webhooks;

/// <summary>The events a partner may subscribe to (stable names in payloads and subscriptions).</summary>
public static class WebhookEventTypes
{
    public const string RedemptionCreated = "redemption.created";
    public const string PurchaseRecorded = "purchase.recorded";
    public const string CashbackConfirmed = "cashback.confirmed";
    public const string OfferApproved = "offer.approved";
    public const string OfferRejected = "offer.rejected";
    public const string CouponStockLow = "coupon_stock.low";
    public const string StatementReady = "statement.ready";

    public static readonly IReadOnlyList<string> All =
        [RedemptionCreated, PurchaseRecorded, CashbackConfirmed, OfferApproved, OfferRejected, CouponStockLow, StatementReady];
}

/// <summary>A partner system's URL that receives the events it subscribed to, signed with its secret.</summary>
internal sealed class WebhookEndpoint
{
    public Guid Id { get; set; }
    public Guid PartnerId { get; set; }
    public string Url { get; set; } = "";
    public List<string> EventTypes { get; set; } = [];
    public string? Description { get; set; }
    /// <summary>The signing secret ("whsec_..."), encrypted with ASP.NET Core Data Protection.</summary>
    public string SecretProtected { get; set; } = "";
    /// <summary>The secret before the last rotation; it keeps signing (a second signature) until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecretProtected { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

internal enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its first attempt.</summary>
    Pending,
    /// <summary>Claimed by a dispatcher that is calling the endpoint now (until <see cref="WebhookDelivery.NextAttemptAt"/>, a lease).</summary>
    Sending,
    /// <summary>An attempt failed; the next one is due at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Retrying,
    Succeeded,
    /// <summary>Every attempt of the schedule failed (or the endpoint was disabled); only a manual redelivery sends it again.</summary>
    DeadLettered,
}

/// <summary>One event to one endpoint. (EventId, EndpointId) is unique: a duplicate event adds no second delivery.</summary>
internal sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid EndpointId { get; set; }
    public Guid PartnerId { get; set; }
    /// <summary>Derived from the event's business key (the same fact twice has the same id); sent as webhook-id.</summary>
    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    /// <summary>The exact JSON body that is signed and sent.</summary>
    public string Payload { get; set; } = "";
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One HTTP call of a delivery: the delivery log partners read.</summary>
internal sealed class WebhookAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public int Attempt { get; set; }
    public DateTimeOffset At { get; set; }
    public int? StatusCode { get; set; }
    public long DurationMs { get; set; }
    public string? Error { get; set; }
}

/// <summary>Notifications:Webhooks settings.</summary>
internal sealed class WebhookOptions
{
    /// <summary>Allows loopback/private targets and plain http (tests, local development). Never in production.</summary>
    public bool AllowPrivateTargets { get; set; }
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>At most this much of a response body is read (the rest is dropped).</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;
    /// <summary>Deliveries claimed and sent concurrently per round.</summary>
    public int BatchSize { get; set; } = 20;
    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public int SecretOverlapHours { get; set; } = 24;

    /// <summary>Waits after failed attempts 1, 2, ...: about a day in all; after the last one the delivery is dead-lettered.</summary>
    public static readonly TimeSpan[] RetryDelays =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(8), TimeSpan.FromHours(8),
    ];

    public static int MaxAttempts => RetryDelays.Length + 1;
}
