namespace BenefitProgram.Reporting.Statistics;

/// <summary>How long one member stayed: <see cref="Days"/> from joining to leaving (Churned) or to today (still a member: censored).</summary>
public readonly record struct Tenure(int Days, bool Churned);

/// <summary>One step of a survival curve: the share still a member after <see cref="Day"/> days, with a 95 % interval.</summary>
public sealed record SurvivalPoint(int Day, int AtRisk, int Churned, double Survival, double Lower, double Upper);

/// <summary>
/// The Kaplan–Meier estimator of "share of members still a member after t days", for members who joined at different
/// times (those still in are censored, not counted as stayers forever). Standard errors by Greenwood's formula; the 95 %
/// interval uses the log(-log) transform so it stays inside [0, 1].
/// </summary>
public static class KaplanMeier
{
    public const double Z95 = 1.959963984540054;

    public static IReadOnlyList<SurvivalPoint> Estimate(IEnumerable<Tenure> tenures)
    {
        var byDay = tenures
            .GroupBy(t => t.Days)
            .OrderBy(g => g.Key)
            .Select(g => (Day: g.Key, Churned: g.Count(t => t.Churned), Left: g.Count()))
            .ToList();
        var atRisk = byDay.Sum(d => d.Left);
        var survival = 1.0;
        var greenwood = 0.0;
        var curve = new List<SurvivalPoint> { new(0, atRisk, 0, 1, 1, 1) };
        foreach (var (day, churned, left) in byDay)
        {
            if (churned > 0)
            {
                survival *= 1.0 - ((double)churned / atRisk);
                if (atRisk > churned)
                {
                    greenwood += churned / ((double)atRisk * (atRisk - churned));
                }

                var (lower, upper) = Interval(survival, greenwood);
                curve.Add(new SurvivalPoint(day, atRisk, churned, survival, lower, upper));
            }

            atRisk -= left;
        }

        return curve;
    }

    /// <summary>The survival at <paramref name="day"/> (a step function: the last point at or before the day).</summary>
    public static SurvivalPoint At(IReadOnlyList<SurvivalPoint> curve, int day) => curve.Last(p => p.Day <= day);

    private static (double Lower, double Upper) Interval(double survival, double greenwood)
    {
        if (survival is <= 0 or >= 1 || greenwood <= 0)
        {
            return (survival, survival);
        }

        var logS = Math.Log(survival);
        var se = Math.Sqrt(greenwood) / Math.Abs(logS);
        var lower = Math.Pow(survival, Math.Exp(Z95 * se));
        var upper = Math.Pow(survival, Math.Exp(-Z95 * se));
        return (lower, upper);
    }
}
