namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>
/// Summary figures a test wants in the run's output ("authorisation: 12 endpoints, 0 leaks"). xunit hides test output,
/// so they go to the file named by BP_TEST_FIGURES, which infra/test.sh prints at the end.
/// </summary>
public static class TestFigures
{
    private static readonly Lock Gate = new();

    public static void Record(string line)
    {
        var path = Environment.GetEnvironmentVariable("BP_TEST_FIGURES");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllLines(path, [line]);
        }
    }
}
