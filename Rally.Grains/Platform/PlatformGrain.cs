using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Rally.Grains.Platform;

[StatelessWorker, GrainType("platform")]
internal sealed class PlatformGrain(IOptions<PlatformOptions> options) : Grain, IPlatformGrain
{
    private readonly PlatformInfo _info = new(options.Value.ConsentVersion, options.Value.MinimumAge, options.Value.Country);

    public ValueTask<PlatformInfo> GetAsync() => ValueTask.FromResult(_info);
}
