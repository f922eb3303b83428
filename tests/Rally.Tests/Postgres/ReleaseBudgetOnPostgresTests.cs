using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>A study's privacy budget and its releases, on PostgreSQL: what was charged stays charged after every silo restarts.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReleaseBudgetOnPostgresTests(PostgresServer postgres)
{
    private static Task<TestDeployment> StartLifeAsync(string database) =>
        TestDeployment.StartAsync(1, TestClusters.OnPostgres(database), b => b.Options.ServiceId = "rally-release-budget");

    private static Task<HttpResponseMessage> ReleaseAsync(HttpClient client, string studyId, decimal epsilon) =>
        client.PostAsJsonAsync($"/v1/studies/{studyId}/releases", new { epsilon });

    [Fact]
    public async Task The_budget_charged_before_a_restart_is_still_spent_after_it()
    {
        var database = await postgres.CreateDatabaseAsync();
        string studyId, researcherKey, first;

        await using (var life = await StartLifeAsync(database))
        {
            var api = life.Api;
            using var study = await IngestionScenario.StartAsync(api);
            (studyId, researcherKey) = (study.StudyId, study.Partner.ResearcherKey);
            await (await study.UploadAsync(study.Event(), study.Event("search"))).ShouldBeAsync(HttpStatusCode.Accepted);
            await study.ExportWhenStoredAsync(2);
            var release = await (await ReleaseAsync(study.Partner.Researcher, studyId, 2m)).ShouldBeAsync(HttpStatusCode.Created);
            first = release.ToJsonString();
            await life.Cluster.StopAllSilosAsync();
        }

        // The charge is in the study's stored state, next to its card.
        var stored = JsonNode.Parse(await TestDatabase.ScalarAsync<byte[]>(database,
            "SELECT payload_binary FROM rally_grain_state WHERE grain_type = 'study' AND grain_id_extension = @study", ("study", studyId)))!;
        Assert.Equal(2m, (decimal)stored["privacyCharges"]![0]!["epsilon"]!);

        await using (var life = await StartLifeAsync(database))
        {
            var researcher = life.Front.CreateClient(researcherKey);
            await (await ReleaseAsync(researcher, studyId, 1.5m)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "privacy-budget-exhausted");
            var listed = await life.Front.CreateClient().GetFromJsonAsync<JsonArray>($"/v1/studies/{studyId}/releases");
            Assert.Equal(first, Assert.Single(listed!)!.ToJsonString());

            var second = await (await ReleaseAsync(researcher, studyId, 1m)).ShouldBeAsync(HttpStatusCode.Created);
            Assert.Equal(3.0m, (decimal)second["budget"]!["spent"]!);
            Assert.Equal(2, (int)second["number"]!);
        }
    }
}
