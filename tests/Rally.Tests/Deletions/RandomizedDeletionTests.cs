using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rally.Tests.Deletions;

/// <summary>
/// Uploads, leaving studies, leaving Rally, ending studies and completing analyses, interleaved at random
/// (the sinks store uploads while later operations already run); once everything settles, the FAQ's promises hold.
/// </summary>
public abstract class RandomizedDeletionCases(ITestOutputHelper output) : RallyCases
{
    private enum Membership { Enrolled, LeftOpen, LeftEnded, NeverJoined }

    private enum Phase { Enrolling, Ended, AnalysisComplete }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Deleted_data_never_remains_locked_data_stays_and_nobody_elses_is_touched(int seed)
    {
        var random = new Random(seed);
        using var key = new StudyKeyPair();
        var studies = new List<(string Id, TestPartner Partner)>();
        for (var i = 0; i < 3; i++)
        {
            studies.Add(await Api.EnrollingStudyAsync(RallyApi.StudyCard(key: key)));
        }
        var participants = new List<TestParticipant>();
        for (var i = 0; i < 6; i++)
        {
            participants.Add(await Api.JoinAsync());
        }
        var phase = studies.ToDictionary(s => s.Id, _ => Phase.Enrolling);
        var membership = new Dictionary<(string, Guid), Membership>();
        var acked = new Dictionary<(string, Guid), List<Guid>>();
        var leftRally = new HashSet<Guid>();
        foreach (var s in studies)
        {
            foreach (var p in participants)
            {
                var enrolled = random.Next(4) > 0 && (await RallyApi.EnrollAsync(p, s.Id)).StatusCode == HttpStatusCode.Created;
                membership[(s.Id, p.Id)] = enrolled ? Membership.Enrolled : Membership.NeverJoined;
                acked[(s.Id, p.Id)] = [];
            }
        }

        var log = new List<string>();
        for (var step = 0; step < 60; step++)
        {
            var s = studies[random.Next(studies.Count)].Id;
            var p = participants[random.Next(participants.Count)];
            var roll = random.Next(100);
            if (roll < 60)
            {
                var ids = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Guid.NewGuid()).ToArray();
                var response = await p.Client.PostAsJsonAsync($"/v1/studies/{s}/events", new JsonObject
                {
                    ["events"] = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject
                    {
                        ["id"] = id.ToString(), ["type"] = "page-visit", ["collectedAt"] = DateTimeOffset.UtcNow.ToString("O"),
                        ["privateWindow"] = false, ["payload"] = key.Encrypt("{}"),
                    })]),
                });
                var mayUpload = !leftRally.Contains(p.Id) && membership[(s, p.Id)] == Membership.Enrolled && phase[s] == Phase.Enrolling;
                Assert.True(mayUpload == (response.StatusCode == HttpStatusCode.Accepted),
                    $"step {step}: upload answered {(int)response.StatusCode}, but it {(mayUpload ? "may" : "may not")} upload");
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    acked[(s, p.Id)].AddRange(ids);
                }
                log.Add($"{step}: upload {ids.Length} {p.Id:N} -> {s}: {(int)response.StatusCode}");
            }
            else if (roll < 75 && !leftRally.Contains(p.Id) && membership[(s, p.Id)] == Membership.Enrolled)
            {
                var left = await (await p.Client.DeleteAsync($"/v1/me/enrollments/{s}")).ShouldBeAsync(HttpStatusCode.OK);
                membership[(s, p.Id)] = phase[s] == Phase.Enrolling ? Membership.LeftOpen : Membership.LeftEnded;
                Assert.Equal(phase[s] == Phase.Enrolling ? "deleted" : phase[s] == Phase.Ended ? "locked" : "deleted", (string?)left["dataDeletion"]);
                log.Add($"{step}: {p.Id:N} leaves {s} ({phase[s]})");
            }
            else if (roll < 82 && !leftRally.Contains(p.Id))
            {
                await p.Client.DeleteAsync("/v1/me");
                leftRally.Add(p.Id);
                foreach (var study in studies.Where(x => membership[(x.Id, p.Id)] == Membership.Enrolled))
                {
                    membership[(study.Id, p.Id)] = phase[study.Id] == Phase.Enrolling ? Membership.LeftOpen : Membership.LeftEnded;
                }
                log.Add($"{step}: {p.Id:N} leaves Rally");
            }
            else if (roll < 92 && phase[s] == Phase.Enrolling)
            {
                await Api.MoveAsync(s, "end");
                phase[s] = Phase.Ended;
                log.Add($"{step}: {s} ends");
            }
            else if (phase[s] == Phase.Ended)
            {
                await Api.MoveAsync(s, "complete-analysis");
                phase[s] = Phase.AnalysisComplete;
                log.Add($"{step}: {s} completes its analysis");
            }
        }

        // Settle: every deletion carried out, every event that must stay stored.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var pending = 0;
            foreach (var s in studies)
            {
                var ledger = await (await Api.Operator.GetAsync($"/v1/studies/{s.Id}/deletions")).ShouldBeAsync(HttpStatusCode.OK);
                pending += ledger["requests"]!.AsArray().Count(r => (string?)r!["status"] == "pending");
                pending += ledger["dropRequestedAt"] is not null && ledger["droppedAt"] is null ? 1 : 0;
            }
            var missing = 0;
            foreach (var s in studies)
            {
                var stored = (await ExportIdsAsync(s)).ToHashSet();
                missing += participants.Where(p => MustKeep(phase[s.Id], membership[(s.Id, p.Id)]))
                    .SelectMany(p => acked[(s.Id, p.Id)]).Count(id => !stored.Contains(id));
            }
            if (pending == 0 && missing == 0)
            {
                break;
            }
            if (DateTime.UtcNow > deadline)
            {
                output.WriteLine(string.Join('\n', log));
                Assert.Fail($"seed {seed}: did not settle ({pending} deletions pending, {missing} events missing)");
            }
            await Task.Delay(50);
        }

        foreach (var s in studies)
        {
            var stored = (await ExportIdsAsync(s)).ToHashSet();
            foreach (var p in participants)
            {
                var mine = acked[(s.Id, p.Id)];
                if (MustKeep(phase[s.Id], membership[(s.Id, p.Id)]))
                {
                    Assert.All(mine, id => Assert.Contains(id, stored));
                }
                else
                {
                    Assert.True(!mine.Any(stored.Contains), $"seed {seed}: deleted events of {p.Id:N} remain in {s.Id} ({phase[s.Id]}, {membership[(s.Id, p.Id)]})\n{string.Join('\n', log)}");
                }
            }
            Assert.Equal(stored.Count, participants.Where(p => MustKeep(phase[s.Id], membership[(s.Id, p.Id)])).Sum(p => acked[(s.Id, p.Id)].Count));
        }
    }

    /// <summary>Data stays unless its study's analysis completed or the participant left while the study was open.</summary>
    private static bool MustKeep(Phase phase, Membership membership) =>
        phase != Phase.AnalysisComplete && membership is Membership.Enrolled or Membership.LeftEnded;

    private static async Task<IEnumerable<Guid>> ExportIdsAsync((string Id, TestPartner Partner) study)
    {
        var text = await study.Partner.Researcher.GetStringAsync($"/v1/studies/{study.Id}/events");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => Guid.Parse((string)JsonNode.Parse(line)!["id"]!));
    }
}

[Collection(ApiCollection.Name)]
public sealed class RandomizedDeletionTests(ApiFixture fixture, ITestOutputHelper output) : RandomizedDeletionCases(output)
{
    protected override Task<RallyApi> ConnectAsync() => Task.FromResult(new RallyApi(fixture));
}

[Collection(PostgresCollection.Name)]
public sealed class RandomizedDeletionOnPostgresTests(PostgresServer postgres, PostgresApiFixture fixture, ITestOutputHelper output) : RandomizedDeletionCases(output), IClassFixture<PostgresApiFixture>
{
    protected override Task<RallyApi> ConnectAsync() => fixture.ConnectAsync(postgres);
}
