namespace BenefitProgram.Rewards.KeyFinder;

/// <summary>A key tag a member registered; its code is printed on the tag and unique across the platform.</summary>
internal sealed class KeyTag
{
    public Guid Id { get; init; }
    public Guid ProgramId { get; init; }
    public Guid MemberId { get; init; }
    public string Code { get; init; } = "";
    public string Label { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A finder's report. Holds only what the finder typed for the member; nothing about the member goes back.</summary>
internal sealed class KeyTagFoundReport
{
    public Guid Id { get; init; }
    public Guid KeyTagId { get; init; }
    public Guid ProgramId { get; init; }
    public Guid MemberId { get; init; }
    public string? Message { get; init; }
    public string? FinderContact { get; init; }
    public DateTimeOffset ReportedAt { get; init; }
}
