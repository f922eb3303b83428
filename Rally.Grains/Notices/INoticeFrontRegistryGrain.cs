using Orleans.Concurrency;

namespace Rally.Grains.Notices;

/// <summary>
/// The API fronts currently able to push notices (one registry per cluster, key <see cref="Key"/>). Fronts register
/// and refresh themselves periodically; an entry not refreshed within its time to live is dropped.
/// The registry is kept in memory only (observer references are not storable): after it is reactivated elsewhere,
/// each front finds itself unknown at its next refresh and replays the pending notices of its connections.
/// </summary>
[Alias("rally.notice-front-registry-grain")]
public interface INoticeFrontRegistryGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Registers or refreshes a front; false when it was not known (new, expired or the registry restarted).</summary>
    [Alias("register")]
    Task<bool> RegisterAsync(Guid frontId, INoticeFront front, TimeSpan timeToLive);

    [Alias("unregister")]
    Task UnregisterAsync(Guid frontId);

    /// <summary>The fronts registered and not expired.</summary>
    [Alias("list"), ReadOnly, AlwaysInterleave]
    Task<NoticeFrontEntry[]> ListAsync();
}

/// <summary>A registered front and its observer reference.</summary>
[GenerateSerializer, Immutable, Alias("rally.notice-front-entry")]
public sealed record NoticeFrontEntry(
    [property: Id(0)] Guid FrontId,
    [property: Id(1)] INoticeFront Front);
