using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rally.Api.Ingestion;
using Rally.Grains.Ingestion;
using Rally.Grains.Participants;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

[Collection(ApiCollection.Name)]
public sealed class UploadTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task A_browser_encrypted_batch_is_accepted_and_exported_byte_for_byte()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        var events = new[] { study.Event(), study.Event("search"), study.Event() };

        var accepted = await (await study.UploadAsync(events)).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal(3, (int?)accepted["accepted"]);
        Assert.Equal(0, (int?)accepted["duplicates"]);
        var lines = await study.ExportWhenStoredAsync(3);
        Assert.Equal(3, lines.Length);
        foreach (var sent in events)
        {
            var line = Assert.Single(lines, l => (string?)l["id"] == (string?)sent["id"]);
            Assert.Equal((string?)sent["payload"], (string?)line["payload"]);
            Assert.Equal((string?)sent["type"], (string?)line["type"]);
            Assert.StartsWith("{\"url\":\"https://example.test/", study.Key.Decrypt((string)line["payload"]!), StringComparison.Ordinal);
            Assert.NotNull(line["receivedAt"]);
            Assert.False(string.IsNullOrEmpty((string?)line["cursor"]));
        }
        var pseudonym = Assert.Single(lines.Select(l => (string?)l["participant"]).Distinct());
        Assert.DoesNotContain(study.Participant.Id.ToString("N"), pseudonym!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(study.Participant.Id.ToString(), lines.Select(l => l.ToJsonString()).Aggregate(string.Concat), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // right after the answer, as an add-on whose answer was lost does: most likely while the first is queued
    public async Task An_event_sent_again_counts_as_a_duplicate_and_is_stored_once(bool afterStored)
    {
        // A read of the study's stored events, as before, counted a resend of events still queued as accepted.
        using var study = await IngestionScenario.StartAsync(_api);
        var first = study.Event();
        var second = study.Event();
        var sent = await (await study.UploadAsync(first, second, first)).ShouldBeAsync(HttpStatusCode.Accepted);
        if (afterStored)
        {
            await study.ExportWhenStoredAsync(2);
        }

        var again = await (await study.UploadAsync(first, second, study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal((2, 1), ((int?)sent["accepted"], (int?)sent["duplicates"]));
        Assert.Equal((1, 2), ((int?)again["accepted"], (int?)again["duplicates"]));
        var lines = await study.ExportWhenStoredAsync(3);
        Assert.Equal(3, lines.Length);
        Assert.Equal(3, lines.Select(l => (string?)l["id"]).Distinct().Count());
    }

    [Fact]
    public async Task Pseudonyms_differ_between_participants_and_between_studies()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        using var other = await IngestionScenario.StartAsync(_api);
        var second = await _api.JoinAsync();
        await (await RallyApi.EnrollAsync(second, study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
        // The first study's participant also joins the other study.
        await (await RallyApi.EnrollAsync(study.Participant, other.StudyId)).ShouldBeAsync(HttpStatusCode.Created);

        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await study.UploadAsync(second.Client, study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await other.UploadAsync(study.Participant.Client, other.Event())).ShouldBeAsync(HttpStatusCode.Accepted);

        var inStudy = (await study.ExportWhenStoredAsync(2)).Select(l => (string)l["participant"]!).Distinct().ToArray();
        var inOther = (await other.ExportWhenStoredAsync(1)).Select(l => (string)l["participant"]!).Single();
        Assert.Equal(2, inStudy.Length);
        Assert.DoesNotContain(inOther, inStudy);
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { "undeclared type", """{"type":"keystrokes"}""" },
        { "private window", """{"privateWindow":true}""" },
        { "plain text payload", """{"payload":"hello"}""" },
        { "four parts", """{"payload":"eyJhbGciOiJFQ0RILUVTIn0..AAAAAAAAAAAAAAAA.AAAA"}""" },
        { "not base64url", """{"payload":"eyJ+.a.b.c.d"}""" },
        { "future", """{"collectedAt":"2999-01-01T00:00:00Z"}""" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_batch_with_one_bad_event_is_refused_whole_and_names_the_event(string what, string patch)
    {
        using var study = await IngestionScenario.StartAsync(_api);
        var bad = study.Event();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject().ToArray())
        {
            bad[key] = value?.DeepClone();
        }

        var problem = await (await study.UploadAsync(study.Event(), bad, study.Event())).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-event");

        Assert.Equal(1, (int?)problem["eventIndex"]);
        Assert.Equal((string?)bad["id"], (string?)problem["eventId"]);
        Assert.False(string.IsNullOrEmpty(what));
        await AssertNothingStoredAsync(study);
    }

    [Fact]
    public async Task Payloads_not_encrypted_for_this_study_are_refused()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        using var otherKey = new StudyKeyPair();
        var good = study.Event();
        var parts = ((string)good["payload"]!).Split('.');

        string Header(string json) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json));
        var epk = $$"""{"kty":"EC","crv":"P-256","x":"{{study.Key.X}}","y":"{{study.Key.Y}}"}""";
        var payloads = new Dictionary<string, string>
        {
            ["another study's key"] = otherKey.Encrypt("{}"),
            ["a wrong kid"] = study.Key.Encrypt("{}", kid: "not-the-key"),
            ["RSA key wrapping"] = string.Join('.', Header($$"""{"alg":"RSA-OAEP","enc":"A256GCM","kid":"{{study.Key.Kid}}"}"""), "AAAA", parts[2], parts[3], parts[4]),
            ["another content cipher"] = string.Join('.', Header($$"""{"alg":"ECDH-ES","enc":"A128CBC-HS256","kid":"{{study.Key.Kid}}","epk":{{epk}}}"""), "", parts[2], parts[3], parts[4]),
            ["an encrypted key"] = string.Join('.', parts[0], "AAAA", parts[2], parts[3], parts[4]),
            ["no epk"] = string.Join('.', Header($$"""{"alg":"ECDH-ES","enc":"A256GCM","kid":"{{study.Key.Kid}}"}"""), "", parts[2], parts[3], parts[4]),
            ["a short iv"] = string.Join('.', parts[0], "", "AAAA", parts[3], parts[4]),
            ["an oversized payload"] = string.Join('.', parts[0], "", parts[2], new string('A', 40_000), parts[4]),
            ["plaintext beside the ciphertext"] = string.Join('.', Header($$"""{"alg":"ECDH-ES","enc":"A256GCM","kid":"{{study.Key.Kid}}","epk":{{epk}},"x-note":"alice@example.com visited https://bank.example/acct/123"}"""), "", parts[2], parts[3], parts[4]),
            ["a duplicated alg"] = string.Join('.', Header($$"""{"alg":"ECDH-ES","alg":"dir","enc":"A256GCM","kid":"{{study.Key.Kid}}","epk":{{epk}}}"""), "", parts[2], parts[3], parts[4]),
        };

        foreach (var (what, payload) in payloads)
        {
            var problem = await (await study.UploadAsync(study.Event(payload: payload))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-event");
            Assert.True(0 == (int?)problem["eventIndex"], what);
        }
        await AssertNothingStoredAsync(study);
    }

    [Fact]
    public async Task A_study_collecting_in_private_windows_accepts_private_events()
    {
        using var study = await IngestionScenario.StartAsync(_api, privateBrowsing: true);

        await (await study.UploadAsync(study.Event(privateWindow: true))).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Single(await study.ExportWhenStoredAsync(1));
    }

    [Fact]
    public async Task An_upload_never_reads_the_study_store_whether_refused_or_accepted()
    {
        // Refusals are answered from the permit and the events alone, and resends are told from the participant's grain:
        // an upload waits for no read of the database, which could be away, and costs it none.
        using var study = await IngestionScenario.StartAsync(_api);
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IStudyEventStore>();
        var unreadable = new UnreadableStore(store);
        await using var front = RallyApiFactory.Start(fixture.Cluster, services: s => s.AddSingleton<IStudyEventStore>(unreadable));
        using var enrolled = front.CreateClient(study.Participant.Token);
        using var stranger = front.CreateClient((await _api.JoinAsync()).Token);

        await (await study.UploadAsync(stranger, study.Event())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");
        await (await study.UploadAsync(enrolled, study.Event(), study.Event("undeclared"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-event");
        var stored = study.Event();
        await (await study.UploadAsync(enrolled, stored)).ShouldBeAsync(HttpStatusCode.Accepted);
        var again = await (await study.UploadAsync(enrolled, stored)).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal(0, (int?)again["accepted"]);
        Assert.Equal(1, (int?)again["duplicates"]);
        Assert.Equal(0, unreadable.Reads);
        Assert.Equal((string?)stored["id"], (string?)Assert.Single(await study.ExportWhenStoredAsync(1))["id"]);
    }

    [Fact]
    public async Task Ids_recorded_for_another_enrollment_are_not_taken_for_resends()
    {
        // A record that arrives late, for the enrollment before a leave and a new enrollment, names deleted data: the
        // same ids sent by the enrollment now are new to it.
        using var study = await IngestionScenario.StartAsync(_api);
        var (earlier, sent) = (study.Event(), study.Event());
        await (await study.UploadAsync(earlier)).ShouldBeAsync(HttpStatusCode.Accepted);
        var participant = fixture.Cluster.Client.GetGrain<IParticipantGrain>(study.Participant.Id);
        await participant.UploadAcknowledgedAsync(study.StudyId, "the-pseudonym-of-an-earlier-enrollment", [Guid.Parse((string)sent["id"]!)]);

        var answer = await (await study.UploadAsync(sent, earlier)).ShouldBeAsync(HttpStatusCode.Accepted);

        // Neither taken for the enrollment's own record, nor replacing it: the earlier upload is still known.
        Assert.Equal((1, 1), ((int?)answer["accepted"], (int?)answer["duplicates"]));
        var stored = await study.ExportWhenStoredAsync(2);
        Assert.Equal(new[] { (string?)earlier["id"], (string?)sent["id"] }.Order(), stored.Select(e => (string?)e["id"]).Order());
        // A front of the version before asks without ids (a rolling deploy): nothing is named, nothing fails.
        Assert.Empty((await participant.GetUploadPermitAsync(study.StudyId, null!)).Acknowledged);
    }

    [Fact]
    public async Task An_upload_the_grain_failed_to_record_is_still_acknowledged_and_its_resend_queued_again()
    {
        // The record comes after the queue commit: its failure is logged (2020) and costs a resend a second queue write
        // (which the store keeps once: the unique index on PostgreSQL, DeletionCases and the failover test show it there).
        using var study = await IngestionScenario.StartAsync(_api);
        var logs = new CapturedLogs();
        await using var front = RallyApiFactory.Start(fixture.Cluster, services: s => s.AddLogging(l => l.AddProvider(logs)));
        using var client = front.CreateClient(study.Participant.Token);
        var sent = study.Event();
        var participant = fixture.Cluster.Client.GetGrain<IParticipantGrain>(study.Participant.Id).GetGrainId();
        using (InjectedFaults.Fail(participant, nameof(IParticipantGrain.UploadAcknowledgedAsync), new InvalidOperationException("injected")))
        {
            var first = await (await study.UploadAsync(client, sent)).ShouldBeAsync(HttpStatusCode.Accepted);
            Assert.Equal((1, 0), ((int?)first["accepted"], (int?)first["duplicates"]));
        }
        Assert.Contains(logs.Entries, e => e.StartsWith($"Warning {UploadLog.Category}[2020]", StringComparison.Ordinal) && e.Contains("InvalidOperationException", StringComparison.Ordinal));

        // Not recorded, so the resend is queued again; the next upload is queued behind it on the participant's stream.
        var resent = await (await study.UploadAsync(client, sent)).ShouldBeAsync(HttpStatusCode.Accepted);
        Assert.Equal((1, 0), ((int?)resent["accepted"], (int?)resent["duplicates"]));
        var after = study.Event();
        await (await study.UploadAsync(client, after)).ShouldBeAsync(HttpStatusCode.Accepted);

        var stored = await study.ExportWhenStoredAsync(2);
        Assert.Equal(new[] { (string?)sent["id"], (string?)after["id"] }.Order(), stored.Select(e => (string?)e["id"]).Order());
    }

    [Fact]
    public async Task Uploads_are_refused_unless_enrolled_with_the_current_consent_in_an_enrolling_study()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        var stranger = await _api.JoinAsync();

        await (await study.UploadAsync(stranger.Client, study.Event())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");
        await (await study.UploadAsync(study.Partner.Researcher, study.Event())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await study.UploadAsync(_api.Anonymous, study.Event())).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        await (await study.Partner.Researcher.PutAsJsonAsync($"/v1/studies/{study.StudyId}/consent", new { consentVersion = "2" })).ShouldBeAsync(HttpStatusCode.OK);
        await (await study.UploadAsync(study.Event())).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "consent-version-mismatch");
        await (await RallyApi.EnrollAsync(study.Participant, study.StudyId, consentVersion: "2")).ShouldBeAsync(HttpStatusCode.OK);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(1);

        await _api.MoveAsync(study.StudyId, "end");
        await (await study.UploadAsync(study.Event())).ShouldBeProblemAsync(HttpStatusCode.Conflict, "study-not-enrolling");

        Assert.Single(await study.ExportAsync());
    }

    [Fact]
    public async Task Malformed_and_oversized_batches_are_refused()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        var path = $"/v1/studies/{study.StudyId}/events";

        await (await study.Participant.Client.PostJsonTextAsync(path, "{\"events\":[{\"id\":\"nope\"}]}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await study.Participant.Client.PostJsonTextAsync(path, "{\"events\":")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await study.Participant.Client.PostJsonTextAsync(path, "{\"events\":[]}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        var tooMany = Enumerable.Range(0, 201).Select(_ => study.Event(payload: "a.b.c.d.e")).ToArray();
        await (await study.UploadAsync(tooMany)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "batch-too-large");
        await AssertNothingStoredAsync(study);
    }

    /// <summary>Refused batches are never queued: after one good upload is stored, it is all the study holds.</summary>
    private static async Task AssertNothingStoredAsync(IngestionScenario study)
    {
        var marker = study.Event();
        await (await study.UploadAsync(marker)).ShouldBeAsync(HttpStatusCode.Accepted);
        var lines = await study.ExportWhenStoredAsync(1);
        Assert.Equal((string?)marker["id"], (string?)Assert.Single(lines)["id"]);
    }

    /// <summary>The study event store with every read failing as a lost database connection would, counting the reads asked for.</summary>
    private sealed class UnreadableStore(IStudyEventStore inner) : PassThroughEventStore(inner)
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override IAsyncEnumerable<StoredEvent> ReadAsync(string studyId, EventCursor after, int limit, CancellationToken cancellationToken = default) =>
            throw Lost();

        public override Task<StudyEventStats> GetStatsAsync(string studyId, CancellationToken cancellationToken = default) => throw Lost();

        public override Task<StudyEventStats> CountClippedAsync(string studyId, EventDomain domain, int perParticipant, CancellationToken cancellationToken = default) =>
            throw Lost();

        private NpgsqlException Lost()
        {
            Interlocked.Increment(ref _reads);
            return new NpgsqlException("The study store's connection was lost (test).");
        }
    }
}
