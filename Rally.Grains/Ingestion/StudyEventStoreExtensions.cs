namespace Rally.Grains.Ingestion;

public static class StudyEventStoreExtensions
{
    /// <summary>Stores one batch (see <see cref="IStudyEventStore.AppendAsync(IReadOnlyList{EventBatch}, CancellationToken)"/>).</summary>
    public static Task<int> AppendAsync(this IStudyEventStore store, EventBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(batch);
        return store.AppendAsync([batch], cancellationToken);
    }
}
