using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using Rally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rally.Tests.Privacy;

/// <summary>
/// P10, read off the database and the logs: a participant with a profile shared with both the open and the ended study it is enrolled in,
/// uploads, notices, a dead-lettered upload and its own export leaves Rally. Once the open study's deletion has completed, nothing
/// holds it (not even the ended study's copy of its profile) but the ended study's locked rows and ledger entry (under the study pseudonym), the blocked pseudonym
/// while uploads could still be in flight, and its tombstone and closed inbox (by key); once the ended study's
/// analysis has completed and the blocked pseudonym is pruned, only the tombstone and the closed inbox, by key. The
/// panel's counts held its answers while it took part (the scan is shown to see them) and hold none after.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PrivacyScanTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly JsonObject Profile = new()
    {
        ["ageRange"] = "55-64",
        ["gender"] = "neither",
        ["hispanicLatinxSpanishOrigin"] = true,
        ["races"] = new JsonArray("other-pacific-islander"),
        ["schoolLevel"] = "graduate-degree",
        ["householdIncomeRange"] = "100000-149999",
        ["zipCode"] = "97531",
    };

    [Fact]
    public async Task A_participant_who_left_Rally_is_nowhere_but_its_tombstone()
    {
        var database = await postgres.CreateDatabaseAsync();
        var logs = new CapturedLogs();
        var settings = TestClusters.OnPostgres(database, new Dictionary<string, string?>
        {
            ["Rally:Deletions:RetryPeriod"] = "00:00:01",
            // Blocked pseudonyms are forgotten 10 s after the deletion: nothing can be in flight longer here.
            ["Rally:Streams:ExpiryTimeout"] = "00:00:05",
            ["Rally:Streams:MaxDeliveryTime"] = "00:00:05",
            ["Rally:Deletions:InFlightMargin"] = "00:00:00",
        });
        await using var cluster = await TestClusters.StartAsync(1, settings, b =>
        {
            b.Options.ServiceId = "rally-privacy-scan";
            b.ConfigureSilo((_, silo) => silo.Services.AddLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Debug)));
        });
        await using var front = RallyApiFactory.Start(cluster, services: s => s.AddLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Debug)));
        var api = new RallyApi(front);

        using var open = await IngestionScenario.StartAsync(api);
        using var ended = await IngestionScenario.StartAsync(api);
        var participant = await api.JoinAsync();
        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", Profile)).ShouldBeAsync(HttpStatusCode.OK);
        await (await RallyApi.EnrollAsync(participant, open.StudyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        await (await RallyApi.EnrollAsync(participant, ended.StudyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);

        // Its uploads; one to the open study is also dead-lettered (a copy of the queued message, as the provider makes).
        await TestDatabase.ExecuteAsync(database, DeadLetterEveryMessage);
        await (await open.UploadAsync(participant.Client, open.Event(), open.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await TestDatabase.ExecuteAsync(database, "DROP TRIGGER rally_scan_dead_letter ON rally_stream_messages");
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM rally_stream_dead_letters"));
        await (await ended.UploadAsync(participant.Client, ended.Event(), ended.Event(), ended.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        var pseudonyms = new[] { await PseudonymAsync(open, 2), await PseudonymAsync(ended, 3) };
        // Both studies hold a copy of the profile it shares with them, under its pseudonym there, and read it.
        Assert.Equal(pseudonyms[0], await SharedPseudonymAsync(open));
        Assert.Equal(pseudonyms[1], await SharedPseudonymAsync(ended));
        // Releases of both studies: their charges and figures are stored too, and hold nobody.
        await (await open.Partner.Researcher.PostAsJsonAsync($"/v1/studies/{open.StudyId}/releases", new { epsilon = 1 })).ShouldBeAsync(HttpStatusCode.Created);
        await (await ended.Partner.Researcher.PostAsJsonAsync($"/v1/studies/{ended.StudyId}/releases", new { epsilon = 1 })).ShouldBeAsync(HttpStatusCode.Created);

        // Notices: a new consent of the open study, the end of the other.
        await (await open.Partner.Researcher.PutAsJsonAsync($"/v1/studies/{open.StudyId}/consent", new JsonObject { ["consentVersion"] = "2" })).ShouldBeAsync(HttpStatusCode.OK);
        await api.MoveAsync(ended.StudyId, "end");
        await RallyApi.InboxWhenAsync(participant.Client, inbox => inbox.Count == 2, "both notices");
        // Its own export, which is built for the answer and kept nowhere.
        Assert.Equal("97531", (string?)(await (await participant.Client.GetAsync("/v1/me/export")).ShouldBeAsync(HttpStatusCode.OK))["profile"]!["zipCode"]);

        // The panel counts its answers, in Rally's and both studies' figures: the scan sees them there while it takes part.
        var scan = new PrivacyScan(participant.Id, participant.Token, pseudonyms, ProfileValues());
        var counted = (await scan.ScanDatabaseAsync(database)).Findings;
        Assert.Equal(3, counted.Where(f => (string?)f.Row.GetValueOrDefault("grain_type") == "panel" && f.Needle == "profile value 55-64")
            .Select(f => f.Row["grain_id_extension"]).Distinct().Count());

        await (await participant.Client.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.Accepted);
        await LedgerWhenAsync(api, open.StudyId, l => (string?)l["requests"]![0]!["status"] == "completed");

        output.WriteLine("Searched for:");
        foreach (var needle in scan.Needles)
        {
            output.WriteLine("  " + needle);
        }

        // 1. The open study's deletion done; the ended study's data locked under its pseudonym.
        var first = await ScanAsync(scan, database, logs, "after the open study's deletion");
        Assert.DoesNotContain(first, f => !IsKey(f) && !IsLocked(f, ended.StudyId, pseudonyms[1]) && !IsBlocked(f, pseudonyms[0]));
        Assert.Contains(first, f => IsLocked(f, ended.StudyId, pseudonyms[1]) && f.Where.StartsWith("rally_events_", StringComparison.Ordinal));

        // 2. The ended study's analysis complete, and nothing can be in flight any more: only the tombstone and inbox keys.
        await api.MoveAsync(ended.StudyId, "complete-analysis");
        await LedgerWhenAsync(api, ended.StudyId, l => l["droppedAt"] is not null && (string?)l["requests"]![0]!["status"] == "completed");
        await Eventually.HoldsAsync(async () => await TestDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM rally_deleted_participants") == 0,
            "blocked pseudonyms to be forgotten", []);
        var second = await ScanAsync(scan, database, logs, "after the ended study's analysis completed");
        Assert.DoesNotContain(second, f => !IsKey(f));
        // The tombstone and the closed inbox are there, found by their keys alone.
        Assert.Equal(2, second.Where(IsKey).Select(f => f.Row["grain_type"]).Distinct().Count());
    }

    /// <summary>A copy of every queued upload in the dead letters, as if delivering it had failed for good.</summary>
    private const string DeadLetterEveryMessage = """
        CREATE FUNCTION rally_scan_dead_letter() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO rally_stream_dead_letters (service_id, provider_id, queue_id, message_id, reason, dequeued,
                created_on, expires_on, last_claimed_on, remove_on, payload)
            VALUES (NEW.service_id, NEW.provider_id, NEW.queue_id, NEW.message_id, 'exhausted', 5,
                NEW.created_on, NEW.expires_on, NEW.modified_on, now() + interval '7 days', NEW.payload);
            RETURN NEW;
        END $$;
        CREATE TRIGGER rally_scan_dead_letter AFTER INSERT ON rally_stream_messages FOR EACH ROW EXECUTE FUNCTION rally_scan_dead_letter();
        """;

    private static IEnumerable<string> ProfileValues() =>
        Profile.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).Select(p => (string)p.Value!)
            .Append("other-pacific-islander");

    private async Task<List<Finding>> ScanAsync(PrivacyScan scan, string database, CapturedLogs logs, string when)
    {
        var (findings, tables) = await scan.ScanDatabaseAsync(database);
        var inLogs = scan.ScanLogs(logs.Entries);
        output.WriteLine($"Scan {when}: {tables.Count} tables ({string.Join(", ", tables)}), {logs.Entries.Count} log entries at Debug.");
        output.WriteLine(findings.Count + inLogs.Count == 0 ? "  found nothing" : "  found:");
        foreach (var finding in findings.Concat(inLogs))
        {
            output.WriteLine($"    {finding}{(finding.Row.TryGetValue("grain_type", out var type) ? $" (grain_type {type})" : "")}");
        }
        return [.. findings, .. inLogs];
    }

    /// <summary>The tombstone's and the closed inbox's rows, found only by the key Orleans stores them under.</summary>
    private static bool IsKey(Finding f) =>
        f.Where == "rally_grain_state" && f.Column is "grain_id_n0" or "grain_id_n1"
        && (string?)f.Row["grain_type"] is { } type && (type.Contains("participant", StringComparison.Ordinal) || type.Contains("notice-inbox", StringComparison.Ordinal));

    /// <summary>The ended study's locked events and its ledger entry, under the study pseudonym.</summary>
    private static bool IsLocked(Finding f, string studyId, string pseudonym) =>
        f.Needle == $"pseudonym {pseudonym}"
        && ((f.Where.StartsWith("rally_events_", StringComparison.Ordinal) && (string?)f.Row["study_id"] == studyId && f.Column == "participant")
            || (f.Where == "rally_grain_state" && (string?)f.Row["grain_id_extension"] == studyId && f.Column == "payload_binary"
                && ((string?)f.Row["grain_type"])!.Contains("deletion-ledger", StringComparison.Ordinal)));

    /// <summary>The open study's deleted pseudonym, blocked while uploads under it could still arrive.</summary>
    private static bool IsBlocked(Finding f, string pseudonym) =>
        f.Needle == $"pseudonym {pseudonym}" && f.Where == "rally_deleted_participants" && f.Column == "participant";

    /// <summary>The one participant in the study's export (the scenario's own participant uploads nothing).</summary>
    private static async Task<string> PseudonymAsync(IngestionScenario study, int count) =>
        (await study.ExportWhenStoredAsync(count)).Select(l => (string)l["participant"]!).Distinct().Single();

    /// <summary>The one profile shared with the study, by its pseudonym.</summary>
    private static async Task<string> SharedPseudonymAsync(IngestionScenario study)
    {
        var text = await study.Partner.Researcher.GetStringAsync($"/v1/studies/{study.StudyId}/demographics");
        return (string)JsonNode.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single())!["pseudonym"]!;
    }

    private static Task LedgerWhenAsync(RallyApi api, string studyId, Func<JsonNode, bool> done) => Eventually.HoldsAsync(async () =>
    {
        var ledger = await (await api.Operator.GetAsync($"/v1/studies/{studyId}/deletions")).ShouldBeAsync(HttpStatusCode.OK);
        return ledger["requests"]!.AsArray().Count > 0 && done(ledger);
    }, $"{studyId}'s ledger", []);
}
