using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Rally.Api.RateLimits;
using Rally.Grains.Ingestion;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>
/// The rate limits, each met on a front of its own with tight settings (the shared front's limits are never met):
/// a refusal is <c>429 too-many-requests</c> with <c>Retry-After</c>, counted; forged credentials share their sender's
/// address bucket; uploads, exports and hub connections have their own; proxies name the address only when trusted.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(ApiFixture fixture) : IDisposable
{
    private readonly RallyApi _shared = new(fixture);
    private readonly MeterListener _listener = new();
    private readonly List<string> _refused = [];

    private RallyApiFactory Front(params (string Key, string Value)[] settings) =>
        RallyApiFactory.Start(fixture.Cluster, settings.ToDictionary(s => s.Key, s => (string?)s.Value));

    private static (string, string)[] Tight(string limit, int burst) =>
        [($"Rally:RateLimits:{limit}:Burst", burst.ToString(System.Globalization.CultureInfo.InvariantCulture)), ($"Rally:RateLimits:{limit}:PerMinute", "1")];

    [Fact]
    public async Task Anonymous_requests_beyond_the_address_budget_get_429_with_Retry_After_and_are_counted()
    {
        await using var front = Front(Tight("Anonymous", 3));
        Listen(front);
        using var anonymous = front.CreateClient(null);
        for (var i = 0; i < 3; i++)
        {
            await (await anonymous.GetAsync("/v1/platform")).ShouldBeAsync(HttpStatusCode.OK);
        }

        var refused = await anonymous.GetAsync("/v1/platform");
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        // Joining is anonymous too; probes are never limited.
        await (await anonymous.PostAsJsonAsync("/v1/participants", RallyApi.JoinBody())).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        lock (_refused)
        {
            Assert.Equal(["anonymous", "anonymous"], _refused);
        }
    }

    [Fact]
    public async Task Forged_credentials_count_against_their_senders_address_and_a_genuine_one_has_its_own_bucket()
    {
        var participant = await _shared.JoinAsync();
        await using var front = Front(Tight("Anonymous", 3));
        for (var i = 0; i < 3; i++)
        {
            using var forged = front.CreateClient($"rp_{Guid.NewGuid():N}_{Guid.NewGuid():N}");
            await (await forged.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }
        using var next = front.CreateClient($"rp_{Guid.NewGuid():N}_{Guid.NewGuid():N}");
        await (await next.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");

        using var genuine = front.CreateClient(participant.Token);
        await (await genuine.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Uploads_are_limited_per_participant()
    {
        using var study = await IngestionScenario.StartAsync(_shared);
        var other = await _shared.JoinAsync();
        await (await RallyApi.EnrollAsync(other, study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
        await using var front = Front(Tight("Uploads", 2));
        using var first = front.CreateClient(study.Participant.Token);
        using var second = front.CreateClient(other.Token);

        await (await study.UploadAsync(first, study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await study.UploadAsync(first, study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        var refused = await study.UploadAsync(first, study.Event());
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.NotNull(refused.Headers.RetryAfter);
        await (await study.UploadAsync(second, study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        // Other routes of the same participant still answer: only its uploads are spent.
        await (await first.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Exports_beyond_the_fronts_cap_are_refused_while_the_others_run()
    {
        using var study = await IngestionScenario.StartAsync(_shared);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IStudyEventStore>();
        await using var front = RallyApiFactory.Start(fixture.Cluster, new Dictionary<string, string?> { ["Rally:RateLimits:ConcurrentExports"] = "1" },
            s => s.AddSingleton<IStudyEventStore>(new HeldReads(store, gate.Task, reading)));
        using var researcher = front.CreateClient(study.Partner.ResearcherKey);

        var running = researcher.GetAsync($"/v1/studies/{study.StudyId}/events");
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var refused = await researcher.GetAsync($"/v1/studies/{study.StudyId}/events");
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.NotNull(refused.Headers.RetryAfter);

        gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await researcher.GetAsync($"/v1/studies/{study.StudyId}/events")).StatusCode);
    }

    [Fact]
    public async Task Exports_of_one_study_beyond_its_cap_are_refused_while_other_studies_export()
    {
        using var busy = await IngestionScenario.StartAsync(_shared);
        using var other = await IngestionScenario.StartAsync(_shared);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IStudyEventStore>();
        await using var front = RallyApiFactory.Start(fixture.Cluster, new Dictionary<string, string?> { ["Rally:RateLimits:ConcurrentExportsPerStudy"] = "1" },
            s => s.AddSingleton<IStudyEventStore>(new HeldReads(store, gate.Task, reading, busy.StudyId)));
        using var researcher = front.CreateClient(busy.Partner.ResearcherKey);
        using var otherResearcher = front.CreateClient(other.Partner.ResearcherKey);

        var running = researcher.GetAsync($"/v1/studies/{busy.StudyId}/events");
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await (await researcher.GetAsync($"/v1/studies/{busy.StudyId}/events")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.Equal(HttpStatusCode.OK, (await otherResearcher.GetAsync($"/v1/studies/{other.StudyId}/events")).StatusCode);

        gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
    }

    [Fact]
    public async Task Hub_connections_are_limited_per_participant()
    {
        var participant = await _shared.JoinAsync();
        await using var front = Front(Tight("HubConnections", 2));
        using var client = front.CreateClient(participant.Token);
        for (var i = 0; i < 2; i++)
        {
            await (await client.PostAsync("/hubs/notices/negotiate?negotiateVersion=1", null)).ShouldBeAsync(HttpStatusCode.OK);
        }
        await (await client.PostAsync("/hubs/notices/negotiate?negotiateVersion=1", null)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
    }

    [Fact]
    public async Task A_participants_exports_of_its_own_data_are_limited_per_participant()
    {
        var participant = await _shared.JoinAsync();
        var other = await _shared.JoinAsync();
        await using var front = Front(Tight("OwnData", 2));
        Listen(front);
        using var client = front.CreateClient(participant.Token);
        using var second = front.CreateClient(other.Token);

        await (await client.GetAsync("/v1/me/export")).ShouldBeAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/v1/me/export")).ShouldBeAsync(HttpStatusCode.OK);
        var refused = await client.GetAsync("/v1/me/export");
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.NotNull(refused.Headers.RetryAfter);
        lock (_refused)
        {
            Assert.Equal(["own-data"], _refused);
        }
        // Another participant has its own budget, and the same participant's other routes still answer.
        await (await second.GetAsync("/v1/me/export")).ShouldBeAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_participant_holds_at_most_the_configured_hub_connections_open_at_once()
    {
        var participant = await _shared.JoinAsync();
        await using var front = Front(("Rally:RateLimits:OpenHubConnections", "1"));
        await using var first = await Notices.NoticeListener.ConnectAsync(front, participant.Token);

        await using var second = Notices.NoticeListener.For(front, participant.Token);
        await Assert.ThrowsAnyAsync<Exception>(() => second.Connection.StartAsync());

        // Once the first closes (its request ends on the server a moment after the client stops), its place is free again.
        await first.Connection.StopAsync();
        await using var third = Notices.NoticeListener.For(front, participant.Token);
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await third.Connection.StartAsync();
                return true;
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return false;
            }
        }, "the first connection's place to be free", []);
        Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, third.Connection.State);
    }

    [Fact]
    public async Task A_forwarded_address_is_believed_only_from_a_named_proxy()
    {
        await using var untrusted = Front(Tight("Anonymous", 1));
        await (await Send(untrusted, "203.0.113.1")).ShouldBeAsync(HttpStatusCode.OK);
        // Anyone could write the header: without a named proxy it changes nothing, so the bucket is the connection's.
        await (await Send(untrusted, "203.0.113.2")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");

        await using var proxied = Front([.. Tight("Anonymous", 1), ("Rally:ForwardedHeaders:KnownProxies:0", "127.0.0.1")]);
        await (await Send(proxied, "203.0.113.1")).ShouldBeAsync(HttpStatusCode.OK);
        await (await Send(proxied, "203.0.113.1")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        await (await Send(proxied, "203.0.113.2")).ShouldBeAsync(HttpStatusCode.OK);
    }

    private static async Task<HttpResponseMessage> Send(RallyApiFactory front, string forwardedFor)
    {
        using var client = front.CreateClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/platform");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    /// <summary>Counts the refusals of <paramref name="front"/> only: tests of other classes run fronts in this process too.</summary>
    private void Listen(RallyApiFactory front)
    {
        var meters = front.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters)
                && instrument.Meter.Name == RateLimitMetrics.MeterName && instrument.Name == "rally.http.rate_limited")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (_refused)
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "limit")
                    {
                        _refused.Add((string)tag.Value!);
                    }
                }
            }
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The study store, whose exports (of one study, or of all) wait at a gate once they have started reading.</summary>
    private sealed class HeldReads(IStudyEventStore inner, Task gate, TaskCompletionSource reading, string? only = null) : PassThroughEventStore(inner)
    {
        public override async IAsyncEnumerable<StoredEvent> ReadAsync(string studyId, EventCursor after, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (only is null || only == studyId)
            {
                reading.TrySetResult();
                await gate.WaitAsync(cancellationToken);
            }
            await foreach (var e in base.ReadAsync(studyId, after, limit, cancellationToken))
            {
                yield return e;
            }
        }
    }
}
