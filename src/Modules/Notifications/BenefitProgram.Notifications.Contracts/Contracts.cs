namespace BenefitProgram.Notifications.Contracts;

/// <summary>Where a notification went: the kinds of recipient the Notifications module writes to.</summary>
public static class NotificationRecipients
{
    public const string Member = "member";
    public const string Partner = "partner";
}
