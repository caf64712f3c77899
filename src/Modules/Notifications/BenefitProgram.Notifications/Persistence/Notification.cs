namespace BenefitProgram.Notifications.Persistence;

internal enum NotificationStatus
{
    /// <summary>Stored, not yet tried.</summary>
    Pending,
    /// <summary>Claimed by one consumer that is talking to the SMTP server now.</summary>
    Sending,
    Sent,
    /// <summary>The last try failed (<see cref="Notification.LastError"/>); a redelivery of the event tries again.</summary>
    Failed,
    /// <summary>Nothing to send: no e-mail address (erased member), or no consent for a marketing mail.</summary>
    Skipped,
}

/// <summary>
/// One e-mail to one recipient because of one event. <see cref="DedupKey"/> (kind, event key, recipient) is unique, so a
/// redelivered event finds its row and sends nothing twice.
/// </summary>
internal sealed class Notification
{
    public Guid Id { get; set; }
    public Guid ProgramId { get; set; }
    public string DedupKey { get; set; } = "";
    public string Kind { get; set; } = "";
    /// <summary>"transactional" (always sent) or "marketing" (only with consent).</summary>
    public string Category { get; set; } = "transactional";
    public string RecipientKind { get; set; } = "";
    public Guid RecipientId { get; set; }
    public string? RecipientEmail { get; set; }
    public string Language { get; set; } = "de";
    public string Subject { get; set; } = "";
    public NotificationStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}
