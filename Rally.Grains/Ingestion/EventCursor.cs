using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Rally.Grains.Ingestion;

/// <summary>
/// Where an export stopped: the writing transaction and the event's sequence number. Opaque to researchers
/// (<c>"&lt;tx&gt;-&lt;seq&gt;"</c>); the memory store has no transactions and uses 0.
/// </summary>
public readonly record struct EventCursor(long Transaction, long Sequence)
{
    public static EventCursor Start => default;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Transaction}-{Sequence}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out EventCursor? cursor)
    {
        cursor = null;
        var dash = text?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        if (dash <= 0
            || !long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var tx)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }
        cursor = new EventCursor(tx, seq);
        return true;
    }
}
