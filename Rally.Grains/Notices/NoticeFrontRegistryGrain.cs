namespace Rally.Grains.Notices;

[GrainType("notice-front-registry")]
internal sealed class NoticeFrontRegistryGrain(TimeProvider clock) : Grain, INoticeFrontRegistryGrain
{
    private readonly Dictionary<Guid, (INoticeFront Front, DateTimeOffset ExpiresAt)> _fronts = [];
    private NoticeFrontEntry[] _live = [];

    public Task<bool> RegisterAsync(Guid frontId, INoticeFront front, TimeSpan timeToLive)
    {
        ArgumentNullException.ThrowIfNull(front);
        var known = _fronts.ContainsKey(frontId) && !Expired(_fronts[frontId].ExpiresAt);
        _fronts[frontId] = (front, clock.GetUtcNow() + timeToLive);
        Refresh();
        return Task.FromResult(known);
    }

    public Task UnregisterAsync(Guid frontId)
    {
        _fronts.Remove(frontId);
        Refresh();
        return Task.CompletedTask;
    }

    public Task<NoticeFrontEntry[]> ListAsync() =>
        Task.FromResult(_live.Length == _fronts.Count && !_fronts.Values.Any(f => Expired(f.ExpiresAt)) ? _live : Refresh());

    private NoticeFrontEntry[] Refresh()
    {
        foreach (var (id, _) in _fronts.Where(f => Expired(f.Value.ExpiresAt)).ToArray())
        {
            _fronts.Remove(id);
        }
        return _live = [.. _fronts.Select(f => new NoticeFrontEntry(f.Key, f.Value.Front))];
    }

    private bool Expired(DateTimeOffset expiresAt) => expiresAt <= clock.GetUtcNow();
}
