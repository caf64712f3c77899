namespace BenefitProgram.Common;

/// <summary>
/// An exact amount of money: an integer number of minor units (cents) and an ISO 4217 currency code.
/// Never a double. Arithmetic across currencies throws, because it is always a bug.
/// </summary>
public readonly record struct Money(long MinorUnits, string Currency)
{
    public static Money Zero(string currency) => new(0, currency);

    public static Money Eur(long cents) => new(cents, "EUR");

    public static Money operator +(Money a, Money b) => new(checked(a.MinorUnits + b.MinorUnits), SameCurrency(a, b));

    public static Money operator -(Money a, Money b) => new(checked(a.MinorUnits - b.MinorUnits), SameCurrency(a, b));

    public static Money operator -(Money a) => new(checked(-a.MinorUnits), a.Currency);

    public Money Negate() => -this;

    public bool IsNegative => MinorUnits < 0;

    /// <summary>
    /// Takes <paramref name="basisPoints"/>/10,000 of this amount, rounded half away from zero to a whole minor unit.
    /// 5 % is 500 basis points; 5 % of 199,999 cents is 9,999.95 cents, which rounds to 10,000 cents.
    /// </summary>
    public Money Percent(int basisPoints)
    {
        var raw = (decimal)MinorUnits * basisPoints / 10_000m;
        return new Money((long)Math.Round(raw, 0, MidpointRounding.AwayFromZero), Currency);
    }

    private static string SameCurrency(Money a, Money b) =>
        string.Equals(a.Currency, b.Currency, StringComparison.Ordinal)
            ? a.Currency
            : throw new InvalidOperationException($"Cannot combine {a.Currency} with {b.Currency}.");

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{MinorUnits / 100m:0.00} {Currency}");

    public static bool IsCurrencyCode(string? code) =>
        code is { Length: 3 } && code.All(c => c is >= 'A' and <= 'Z');
}
