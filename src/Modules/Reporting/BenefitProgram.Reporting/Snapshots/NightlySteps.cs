using BenefitProgram.Common.Jobs;
using Microsoft.Extensions.Logging;

namespace BenefitProgram.Reporting.Snapshots;

/// <summary>"reporting:kpi-snapshot": the day's KPIs, members by plan and status, cancellation reasons, partner and offer figures.</summary>
internal sealed class KpiSnapshotStep(ReportingSql sql, ILogger<KpiSnapshotStep> logger) : INightlyJob
{
    public string Name => "reporting:kpi-snapshot";
    public int Order => 900;

    public async Task<long> RunAsync(NightScope night, CancellationToken ct)
    {
        var rows = await sql.ExecuteAsync("kpis", SnapshotStatements.Kpis, night, ct);
        rows += await sql.ExecuteAsync("members-by-plan", SnapshotStatements.MembersByPlan, night, ct);
        rows += await sql.ExecuteAsync("churn-reasons", SnapshotStatements.ChurnReasons, night, ct);
        rows += await sql.ExecuteAsync("partners", SnapshotStatements.Partners, night, ct);
        rows += await sql.ExecuteAsync("offers", SnapshotStatements.Offers, night, ct);
        if (await sql.RewardsAvailableAsync(ct))
        {
            rows += await sql.ExecuteAsync("partner-rewards", SnapshotStatements.PartnerRewards, night, ct);
            rows += await sql.ExecuteAsync("refunds", SnapshotStatements.Refunds, night, ct);
        }
        else
        {
            logger.LogDebug("rewards.purchases is not there (yet): partner rewards figures of {Night} skipped", night.Night);
        }

        return rows;
    }
}

/// <summary>"reporting:monthly-retention": on the last night of a month, churn by segment, cohorts, MRR movements and tenure counts.</summary>
internal sealed class MonthlyRetentionStep(ReportingSql sql) : INightlyJob
{
    public string Name => "reporting:monthly-retention";
    public int Order => 910;

    public async Task<long> RunAsync(NightScope night, CancellationToken ct)
    {
        if (!ReportingSql.IsLastDayOfMonth(night.Night))
        {
            return 0;
        }

        var used = SnapshotStatements.UsedBenefit(await sql.RewardsAvailableAsync(ct), await sql.ClaimsAvailableAsync(ct));
        var rows = await sql.ExecuteAsync("monthly-churn", SnapshotStatements.MonthlyChurn(used), night, ct);
        rows += await sql.ExecuteAsync("monthly-cohorts", SnapshotStatements.MonthlyCohorts, night, ct);
        rows += await sql.ExecuteAsync("monthly-mrr", SnapshotStatements.MonthlyMrr, night, ct);
        rows += await sql.ExecuteAsync("monthly-tenure", SnapshotStatements.MonthlyTenure(used), night, ct);
        return rows;
    }
}

/// <summary>"reporting:partner-statements": on the last night of a month, every partner's statement and barometer of the month.</summary>
internal sealed class PartnerStatementsStep(ReportingSql sql) : INightlyJob
{
    public string Name => "reporting:partner-statements";
    public int Order => 920;

    public async Task<long> RunAsync(NightScope night, CancellationToken ct)
    {
        if (!ReportingSql.IsLastDayOfMonth(night.Night))
        {
            return 0;
        }

        var rows = await sql.ExecuteAsync("statements", SnapshotStatements.Statements(await sql.RewardsAvailableAsync(ct)), night, ct);
        rows += await sql.ExecuteAsync("barometer", SnapshotStatements.Barometer, night, ct);
        return rows;
    }
}
