using System.Globalization;
using Rally.Grains.Refusals;

namespace Rally.Grains.Deletions;

/// <summary>
/// A place in a ledger's list, which is ordered by request time then id: the last request a page held. Written as
/// <c>&lt;ticks&gt;.&lt;deletionId&gt;</c>; it names a position, not an entry, so a page still follows on once that entry
/// is no longer listed.
/// </summary>
internal sealed record LedgerCursor(DateTimeOffset RequestedAt, Guid DeletionId) : IComparable<LedgerCursor>
{
    public int CompareTo(LedgerCursor? other) => other is null ? 1
        : RequestedAt != other.RequestedAt ? RequestedAt.CompareTo(other.RequestedAt)
        : DeletionId.CompareTo(other.DeletionId);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{RequestedAt.UtcTicks}.{DeletionId:N}");

    public static LedgerCursor Parse(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[1], "N", out var deletionId)
            ? new LedgerCursor(new DateTimeOffset(ticks, TimeSpan.Zero), deletionId)
            : throw new RefusedException(RefusalKind.InvalidRequest, "after is not a cursor of this ledger: pass a page's next as it was given.");
    }
}
