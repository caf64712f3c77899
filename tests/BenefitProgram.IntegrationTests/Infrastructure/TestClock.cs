namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>
/// A clock tests set and move, forwards or back (each test starts at the same instant). Unlike FakeTimeProvider it
/// leaves timers to the system, so framework timeouts still fire.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public void SetUtcNow(DateTimeOffset value) => Interlocked.Exchange(ref ticks, value.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
