using System.Collections;

namespace Rally.Api.Notices;

/// <summary>
/// Connection ids to send to, as SignalR takes them (a list) with a hashed <c>Contains</c>: the in-memory lifetime
/// manager sends to a list of connections by asking, for every connection the front holds, whether the list contains
/// it (LINQ's <c>Contains</c>, which uses a collection's own). With a plain list that is 5,000 × 2,500 string
/// comparisons for one delivery on a front holding 5,000 connections; with this, 5,000 lookups.
/// </summary>
internal sealed class ConnectionIdSet(List<string> ids) : IReadOnlyList<string>, ICollection<string>
{
    private readonly HashSet<string> _set = new(ids, StringComparer.Ordinal);

    public string this[int index] => ids[index];

    public int Count => ids.Count;

    public bool IsReadOnly => true;

    public bool Contains(string item) => _set.Contains(item);

    public void CopyTo(string[] array, int arrayIndex) => ids.CopyTo(array, arrayIndex);

    public IEnumerator<string> GetEnumerator() => ids.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(string item) => throw new NotSupportedException();

    public void Clear() => throw new NotSupportedException();

    public bool Remove(string item) => throw new NotSupportedException();
}
