namespace Rally.Tests.Infrastructure;

/// <summary>A clock that runs <paramref name="offset"/> away from the machine's, as a misconfigured host's would.</summary>
public sealed class SkewedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
