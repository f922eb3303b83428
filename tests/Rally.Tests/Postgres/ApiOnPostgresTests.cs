using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Grains.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>The whole API on PostgreSQL-backed silos: what was acknowledged is still there after every silo restarts.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiOnPostgresTests(PostgresServer postgres)
{
    private const string ServiceId = "rally-api-restart";

    /// <summary>One life of the system: silos on the database and an API in front of them, ended by <see cref="EndLifeAsync"/>.</summary>
    private static Task<TestDeployment> StartLifeAsync(string database) =>
        TestDeployment.StartAsync(1, TestClusters.OnPostgres(database), b => b.Options.ServiceId = ServiceId);

    /// <summary>Every silo stops gracefully, as in a full restart.</summary>
    private static Task EndLifeAsync(TestDeployment life) => life.Cluster.StopAllSilosAsync();

    [Fact]
    public async Task Participants_enrollments_and_studies_survive_a_full_restart_of_the_silos()
    {
        var database = await postgres.CreateDatabaseAsync();
        string token, researcherKey, openStudy, endedStudy, deletionId;
        Guid participantId;

        await using (var life = await StartLifeAsync(database))
        {
            var op = life.Front.CreateClient(TestSecrets.OperatorKey);
            var partnerId = (string)(await (await op.PostAsJsonAsync("/v1/partners", new { name = "Durable Lab" })).ShouldBeAsync(HttpStatusCode.Created))["partnerId"]!;
            researcherKey = (string)(await (await op.PostAsJsonAsync($"/v1/partners/{partnerId}/researchers", new { name = "Dr. D" })).ShouldBeAsync(HttpStatusCode.Created))["key"]!;
            var researcher = life.Front.CreateClient(researcherKey);
            openStudy = await RallyApi.DraftAsync(researcher);
            endedStudy = await RallyApi.DraftAsync(researcher);
            await (await op.PostAsync($"/v1/studies/{openStudy}/launch", null)).ShouldBeAsync(HttpStatusCode.OK);
            await (await op.PostAsync($"/v1/studies/{endedStudy}/launch", null)).ShouldBeAsync(HttpStatusCode.OK);

            var joined = await (await life.Front.CreateClient().PostAsJsonAsync("/v1/participants", RallyApi.JoinBody())).ShouldBeAsync(HttpStatusCode.Created);
            token = (string)joined["token"]!;
            participantId = Guid.Parse((string)joined["participantId"]!);
            var participant = new TestParticipant(participantId, token, life.Front.CreateClient(token));
            await (await participant.Client.PutAsJsonAsync("/v1/me/profile", new { ageRange = "45-54", zipCode = "10001" })).ShouldBeAsync(HttpStatusCode.OK);
            await (await RallyApi.EnrollAsync(participant, openStudy, share: true)).ShouldBeAsync(HttpStatusCode.Created);
            await (await RallyApi.EnrollAsync(participant, endedStudy)).ShouldBeAsync(HttpStatusCode.Created);
            await (await op.PostAsync($"/v1/studies/{endedStudy}/end", null)).ShouldBeAsync(HttpStatusCode.OK);
            deletionId = (string)(await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{endedStudy}")).ShouldBeAsync(HttpStatusCode.OK))["deletionId"]!;
            await EndLifeAsync(life);
        }

        await using (var life = await StartLifeAsync(database))
        {
            var participant = life.Front.CreateClient(token);
            var me = await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
            Assert.Equal(participantId.ToString(), (string?)me["participantId"]);
            var enrollment = Assert.Single(me["enrollments"]!.AsArray())!;
            Assert.Equal(openStudy, (string?)enrollment["studyId"]);
            Assert.True((bool?)enrollment["shareDemographics"]);
            Assert.Equal("10001", (string?)(await (await participant.GetAsync("/v1/me/profile")).ShouldBeAsync(HttpStatusCode.OK))["zipCode"]);
            Assert.Equal("locked", (string?)(await (await participant.GetAsync($"/v1/me/deletions/{deletionId}")).ShouldBeAsync(HttpStatusCode.OK))["status"]);

            var listed = await (await life.Front.CreateClient().GetAsync("/v1/studies")).Content.ReadFromJsonAsync<JsonArray>();
            Assert.Contains(listed!, s => (string?)s!["studyId"] == openStudy && (string?)s["state"] == "enrolling");
            Assert.Contains(listed!, s => (string?)s!["studyId"] == endedStudy && (string?)s["state"] == "ended");
            // The researcher key still works after the restart: it was stored as a hash, and the hash survived.
            await (await life.Front.CreateClient(researcherKey).PutAsJsonAsync($"/v1/studies/{openStudy}/consent", new { consentVersion = "2" })).ShouldBeAsync(HttpStatusCode.OK);

            await (await participant.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.Accepted);
            await EndLifeAsync(life);
        }

        await using (var life = await StartLifeAsync(database))
        {
            await (await life.Front.CreateClient(token).GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            var stored = await TestDatabase.ScalarAsync<byte[]>(database,
                "SELECT payload_binary FROM rally_grain_state WHERE grain_type = 'participant'");
            var json = JsonNode.Parse(stored)!;
            Assert.Equal("left", (string?)json["status"]);
            Assert.Null(json["profile"]);
            Assert.Null(json["tokenHash"]);
            Assert.DoesNotContain("10001", json.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain(openStudy, json.ToJsonString(), StringComparison.Ordinal);
            await EndLifeAsync(life);
        }
    }

    [Fact]
    public async Task An_announced_end_comes_by_its_reminder_after_every_silo_restarted()
    {
        var database = await postgres.CreateDatabaseAsync();
        string token;
        await using (var life = await StartLifeAsync(database))
        {
            var api = life.Api;
            var (studyId, _) = await api.EnrollingStudyAsync();
            var participant = await api.JoinAsync();
            token = participant.Token;
            await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
            await api.MoveAsync(studyId, "announce-end", new { endsAt = DateTimeOffset.UtcNow.AddSeconds(3) });
            await EndLifeAsync(life);
        }

        // Nothing calls the study after the restart: only its reminder, loaded from the database, can end it.
        await using (var life = await StartLifeAsync(database))
        {
            var deadline = DateTime.UtcNow.AddSeconds(150);
            while (!string.Equals(await StoredLifecycleAsync(database), nameof(StudyLifecycle.Ended), StringComparison.OrdinalIgnoreCase))
            {
                Assert.True(DateTime.UtcNow < deadline, $"the study's reminder did not end it after the restart (stored: {await StoredLifecycleAsync(database)}; reminders: "
                    + string.Join(", ", await TestDatabase.ColumnAsync<string>(database, "SELECT reminder_name || ' ' || grain_id || ' ' || start_time || ' ' || period_ms FROM rally_reminder")) + ")");
                await Task.Delay(250);
            }
            await RallyApi.InboxWhenAsync(life.Front.CreateClient(token), inbox => inbox.Any(n => (string?)n!["kind"] == "study-ended"), "the study-ended notice");
            await EndLifeAsync(life);
        }
    }

    [Fact]
    public async Task A_paused_study_stays_paused_after_every_silo_restarted_and_resumes()
    {
        var database = await postgres.CreateDatabaseAsync();
        using var key = new StudyKeyPair();
        string studyId, token;
        await using (var life = await StartLifeAsync(database))
        {
            var api = life.Api;
            (studyId, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(key: key));
            var participant = await api.JoinAsync();
            token = participant.Token;
            await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
            await api.MoveAsync(studyId, "pause");
            await EndLifeAsync(life);
        }

        Assert.Equal("paused", await StoredLifecycleAsync(database));
        await using (var life = await StartLifeAsync(database))
        {
            var api = life.Api;
            var participant = life.Front.CreateClient(token);
            Assert.Equal("paused", (string?)(await (await api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);
            var listed = await (await api.Anonymous.GetAsync("/v1/studies")).Content.ReadFromJsonAsync<JsonArray>();
            Assert.Contains(listed!, s => (string?)s!["studyId"] == studyId && (string?)s["state"] == "paused");
            await RallyApi.InboxWhenAsync(participant, inbox => inbox.Any(n => (string?)n!["kind"] == "study-paused" && (string?)n["studyId"] == studyId), "the study-paused notice");
            var upload = new JsonObject
            {
                ["events"] = new JsonArray(new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString(),
                    ["type"] = "page-visit",
                    ["collectedAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
                    ["privateWindow"] = false,
                    ["payload"] = key.Encrypt("""{"url":"https://example.test/"}"""),
                }),
            };
            await (await participant.PostAsJsonAsync($"/v1/studies/{studyId}/events", upload)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "study-paused");
            await (await RallyApi.EnrollAsync(await api.JoinAsync(), studyId)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "study-paused");

            Assert.Equal("enrolling", (string?)(await api.MoveAsync(studyId, "resume"))["state"]);
            await (await participant.PostAsJsonAsync($"/v1/studies/{studyId}/events", upload)).ShouldBeAsync(HttpStatusCode.Accepted);
            await EndLifeAsync(life);
        }
        Assert.Equal("enrolling", await StoredLifecycleAsync(database));
    }

    /// <summary>The study's lifecycle as stored (enums are stored by camel-cased name).</summary>
    private static async Task<string?> StoredLifecycleAsync(string database)
    {
        var stored = await TestDatabase.ColumnAsync<byte[]>(database, "SELECT payload_binary FROM rally_grain_state WHERE grain_type = 'study'");
        return (string?)JsonNode.Parse(Assert.Single(stored))!["lifecycle"];
    }
}
