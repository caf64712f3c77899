namespace BenefitProgram.Host.Portal;

public sealed partial class PortalText
{
    /// <summary>German texts of the member portal (English key → German).</summary>
    private static partial Dictionary<string, string> MemberGerman() => new(StringComparer.Ordinal)
    {
    };
}
