using BenefitProgram.Common;

namespace BenefitProgram.UnitTests.Common;

public sealed class MoneyTests
{
    [Theory]
    // 5 % of 1,999.99 EUR = 99.9995 EUR: half away from zero gives 100.00 EUR.
    [InlineData(199_999, 500, 10_000)]
    // 3 % of 45.50 EUR = 1.365 EUR: the half cent rounds up to 1.37 EUR.
    [InlineData(4_550, 300, 137)]
    // 5 % of 0.10 EUR = 0.005 EUR: rounds to 0.01 EUR.
    [InlineData(10, 500, 1)]
    // 5 % of 0.09 EUR = 0.0045 EUR: rounds down to 0.
    [InlineData(9, 500, 0)]
    // A return: -5 % of 19.99 EUR = -0.9995 EUR rounds away from zero to -1.00 EUR, the mirror of the purchase.
    [InlineData(-1_999, 500, -100)]
    public void Percent_rounds_half_away_from_zero_to_whole_cents(long cents, int basisPoints, long expected) =>
        Assert.Equal(expected, Money.Eur(cents).Percent(basisPoints).MinorUnits);

    [Fact]
    public void Adding_different_currencies_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => Money.Eur(1) + new Money(1, "CHF"));

    [Fact]
    public void Overflow_is_refused_not_wrapped() =>
        Assert.Throws<OverflowException>(() => Money.Eur(long.MaxValue) + Money.Eur(1));

    [Theory]
    [InlineData(690, "6.90 EUR")]
    [InlineData(-50, "-0.50 EUR")]
    [InlineData(0, "0.00 EUR")]
    public void Formats_with_two_decimals_and_the_currency(long cents, string expected) =>
        Assert.Equal(expected, Money.Eur(cents).ToString());

    [Theory]
    [InlineData("EUR", true)]
    [InlineData("eur", false)]
    [InlineData("EURO", false)]
    [InlineData(null, false)]
    public void Currency_codes_are_three_capital_letters(string? code, bool valid) =>
        Assert.Equal(valid, Money.IsCurrencyCode(code));
}
