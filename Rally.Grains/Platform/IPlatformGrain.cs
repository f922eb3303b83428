namespace Rally.Grains.Platform;

/// <summary>
/// The silos' view of the platform rules. API fronts ask it rather than read their own configuration,
/// so the rules a participant is shown are the ones the grains enforce.
/// </summary>
[Alias("rally.platform-grain")]
public interface IPlatformGrain : IGrainWithIntegerKey
{
    [Alias("get")]
    ValueTask<PlatformInfo> GetAsync();
}
