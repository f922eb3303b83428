using System.Globalization;

namespace Rally.Grains.Ingestion;

/// <summary>
/// Where an export stopped: the writing transaction and the event's sequence number, both counted across all studies
/// (the memory store has no transactions and uses 0). Internal: researchers only ever see it sealed by the front
/// (<c>ExportCursors</c> in Rally.Api), since its plain numbers would tell how much other studies store.
/// </summary>
public readonly record struct EventCursor(long Transaction, long Sequence)
{
    public static EventCursor Start => default;

    /// <summary><c>"&lt;tx&gt;-&lt;seq&gt;"</c>, as operators read it in a study's export audit.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Transaction}-{Sequence}");
}
