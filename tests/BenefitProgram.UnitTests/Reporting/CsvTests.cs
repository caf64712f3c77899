using BenefitProgram.Reporting.Reports;

namespace BenefitProgram.UnitTests.Reporting;

public sealed class CsvTests
{
    private sealed record Row(string Name, long Amount, double Rate, DateOnly Day, string? Note);

    [Fact]
    public void Cells_that_a_spreadsheet_would_run_as_formulas_are_prefixed_and_numbers_stay_numbers()
    {
        var csv = Csv.Write([
            new Row("=HYPERLINK(\"x\")", -690, 0.125, new DateOnly(2026, 6, 30), "+1"),
            new Row("@cmd", 0, 1, new DateOnly(2026, 1, 1), "-2, \"quoted\""),
            new Row("Kino, am Markt", 5, 0, new DateOnly(2026, 1, 1), null),
        ]);

        Assert.Equal(
            "name,amount,rate,day,note\r\n" +
            "\"'=HYPERLINK(\"\"x\"\")\",-690,0.125,2026-06-30,'+1\r\n" +
            "'@cmd,0,1,2026-01-01,\"'-2, \"\"quoted\"\"\"\r\n" +
            "\"Kino, am Markt\",5,0,2026-01-01,\r\n",
            csv);
    }
}
