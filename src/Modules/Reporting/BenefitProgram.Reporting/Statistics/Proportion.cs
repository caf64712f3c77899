namespace BenefitProgram.Reporting.Statistics;

/// <summary>A rate such as "churned in the month / active at its start", with its 95 % Wilson score interval.</summary>
public sealed record Rate(long Events, long Population, double Value, double Lower, double Upper)
{
    /// <summary>Wilson's interval: correct near 0 % and 100 % and for small groups, unlike the plain normal interval.</summary>
    public static Rate Of(long events, long population)
    {
        if (population <= 0)
        {
            return new Rate(events, population, 0, 0, 0);
        }

        var p = (double)events / population;
        var z = KaplanMeier.Z95;
        var n = (double)population;
        var denominator = 1 + (z * z / n);
        var centre = (p + (z * z / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z * z / (4 * n * n))) / denominator;
        return new Rate(events, population, p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}

/// <summary>The difference of two rates (a − b) with a 95 % interval (Newcombe's method from the two Wilson intervals).</summary>
public sealed record RateDifference(double Value, double Lower, double Upper)
{
    public static RateDifference Between(Rate a, Rate b)
    {
        var d = a.Value - b.Value;
        var lower = d - Math.Sqrt(Math.Pow(a.Value - a.Lower, 2) + Math.Pow(b.Upper - b.Value, 2));
        var upper = d + Math.Sqrt(Math.Pow(a.Upper - a.Value, 2) + Math.Pow(b.Value - b.Lower, 2));
        return new RateDifference(d, lower, upper);
    }

    /// <summary>True when the interval excludes zero: the groups differ beyond chance at the 95 % level.</summary>
    public bool IsSignificant => Lower > 0 || Upper < 0;
}
