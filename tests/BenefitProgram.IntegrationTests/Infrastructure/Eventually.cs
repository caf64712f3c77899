namespace BenefitProgram.IntegrationTests.Infrastructure;

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds (for effects of asynchronous consumers); fails after the timeout.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
