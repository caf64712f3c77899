using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BenefitProgram.Common.Observability;

/// <summary>
/// The business counters of the platform, in the Meter "BenefitProgram" (exported with the technical metrics, see
/// docs/adr/0016-observability.md). Each is incremented where its fact is committed (after SaveChanges / the commit
/// succeeded), so a rolled-back transaction counts nothing. Tags are few and bounded (kinds, outcomes, currencies, job
/// names), never ids. In Prometheus the names read benefitprogram_redemptions_total and so on.
/// </summary>
public static class BusinessMetrics
{
    public const string MeterName = "BenefitProgram";

    /// <summary>The ActivitySource of the platform's own spans (Hangfire jobs, night steps).</summary>
    public const string ActivitySourceName = "BenefitProgram";

    private static readonly Meter Meter = new(MeterName, "1.0");

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName, "1.0");

    private static readonly Counter<long> Redemptions = Meter.CreateCounter<long>(
        "benefitprogram.redemptions", "{redemption}", "Redemptions recorded (coupon codes handed out, passes issued, click-outs).");

    private static readonly Counter<long> Purchases = Meter.CreateCounter<long>(
        "benefitprogram.purchases", "{purchase}", "Purchases reported by partners and recorded (outcome recorded or declined).");

    private static readonly Counter<long> CashbackConfirmedCount = Meter.CreateCounter<long>(
        "benefitprogram.cashback.confirmed", "{purchase}", "Cashbacks confirmed after their return window.");

    private static readonly Counter<long> CashbackConfirmedMinorUnits = Meter.CreateCounter<long>(
        "benefitprogram.cashback.confirmed.amount", "{minor_unit}", "Cashback confirmed, in minor units of the currency tag.");

    private static readonly Counter<long> WebhookFailures = Meter.CreateCounter<long>(
        "benefitprogram.webhook.failures", "{delivery}", "Webhook deliveries to partner systems that failed (each attempt).");

    private static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>(
        "benefitprogram.job.duration", "s", "How long a background job or night step ran.");

    public static void RedemptionRecorded(string kind) =>
        Redemptions.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <param name="outcome">"recorded" or "declined" (duplicates and rejected rows are not purchases).</param>
    public static void PurchasesRecorded(long count, string outcome)
    {
        if (count > 0)
        {
            Purchases.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public static void CashbackConfirmed(long count, long minorUnits, string currency)
    {
        var tag = new KeyValuePair<string, object?>("currency", currency);
        CashbackConfirmedCount.Add(count, tag);
        CashbackConfirmedMinorUnits.Add(minorUnits, tag);
    }

    /// <param name="outcome">"retrying" or "dead_lettered" (no attempts left).</param>
    /// <param name="reason">Bounded: "http-5xx", "http-4xx", "http-other", "unreachable" (timeouts, refused targets, network errors).</param>
    public static void WebhookDeliveryFailed(string outcome, string reason) =>
        WebhookFailures.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("reason", reason));

    /// <param name="runner">"night" (a step of the night runner) or "hangfire" (a Hangfire job).</param>
    public static void JobRan(string runner, string job, string outcome, TimeSpan duration) =>
        JobDuration.Record(duration.TotalSeconds,
            new KeyValuePair<string, object?>("runner", runner),
            new KeyValuePair<string, object?>("job", job),
            new KeyValuePair<string, object?>("outcome", outcome));
}
