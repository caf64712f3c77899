namespace BenefitProgram.Host.Portal;

public sealed partial class PortalText
{
    /// <summary>German texts of the partner portal and the operator console (English key → German).</summary>
    private static partial Dictionary<string, string> PartnerOpsGerman() => new(StringComparer.Ordinal)
    {
    };
}
