using BenefitProgram.Common.Jobs;

namespace BenefitProgram.Members.Billing;

/// <summary>
/// The billing run as the first step of the night (see INightRunner). It settles everything due up to now, so running an
/// older night again later changes nothing that a newer run has not already settled.
/// </summary>
internal sealed class BillingNightStep(BillingRunJob billing) : INightlyJob
{
    public string Name => "members:billing-run";

    public int Order => 100;

    public async Task<long> RunAsync(NightScope night, CancellationToken ct)
    {
        // Only the zone's programs: with several zones, each program is settled in its own zone's night.
        var report = await billing.RunAsync(night.Programs, ct);
        return report.TrialsConverted + report.Renewed + report.PaymentsFailed + report.PaymentsRecovered
            + report.DowngradesApplied + report.Ended + report.Suspended + report.PausesExpired;
    }
}
