namespace Rally.Grains.Refusals;

/// <summary>
/// A rule of the platform refused the call; nothing was changed. Grains throw it before touching
/// state, so the caller can answer with a problem document without further checks.
/// </summary>
[GenerateSerializer, Alias("rally.refused-exception")]
public sealed class RefusedException : Exception
{
    public RefusedException()
    {
    }

    public RefusedException(string message) : base(message)
    {
    }

    public RefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public RefusedException(RefusalKind kind, string detail) : base(detail)
    {
        Kind = kind;
    }

    [Id(0)]
    public RefusalKind Kind { get; init; }
}
