namespace Rally.Api.Problems;

/// <summary>How a problem's <c>detail</c> echoes what the caller sent: enough to recognize it, never the whole of a huge value.</summary>
public static class ProblemText
{
    /// <summary>Characters of a value a problem echoes; longer ones end with an ellipsis.</summary>
    public const int MaxEchoed = 100;

    public static string Quote(string? value) =>
        value is null ? "" : value.Length <= MaxEchoed ? value : string.Concat(value.AsSpan(0, MaxEchoed), "…");
}
