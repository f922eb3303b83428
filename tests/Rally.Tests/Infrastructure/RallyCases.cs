namespace Rally.Tests.Infrastructure;

/// <summary>
/// Test cases written once against the API and run on every storage mode: each concrete class says where
/// (the embedded default's <see cref="ApiFixture"/>, or a PostgreSQL-backed cluster).
/// </summary>
public abstract class RallyCases : IAsyncLifetime
{
    protected RallyApi Api { get; private set; } = null!;

    protected abstract Task<RallyApi> ConnectAsync();

    public async Task InitializeAsync() => Api = await ConnectAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
