using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Panel;

/// <summary>
/// P9 through the API on PostgreSQL: operators read the panel as k-anonymous counts (with complementary suppression),
/// for everyone or one study's enrolled; the figures follow profile changes, leaves and re-reads after a restart; nobody
/// else reads them. The whole panel's figures are checked on a deployment of their own, so that no other test's
/// participants count in them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PanelRepresentationTests(PostgresServer postgres, PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private const string ServiceId = "rally-panel";

    private static JsonObject Young() => new()
    {
        ["ageRange"] = "25-34", ["gender"] = "female", ["hispanicLatinxSpanishOrigin"] = false, ["races"] = new JsonArray("white"),
        ["schoolLevel"] = "bachelor-degree", ["householdIncomeRange"] = "50000-74999", ["zipCode"] = "94501",
    };

    private static JsonObject Middle() => new()
    {
        ["ageRange"] = "35-44", ["gender"] = "male", ["hispanicLatinxSpanishOrigin"] = false, ["races"] = new JsonArray("asian-indian", "white"),
        ["schoolLevel"] = "graduate-degree", ["householdIncomeRange"] = "100000-149999", ["zipCode"] = "94502",
    };

    private static JsonObject Student() => new()
    {
        ["ageRange"] = "19-24", ["gender"] = "female", ["hispanicLatinxSpanishOrigin"] = true, ["races"] = new JsonArray("black-or-african-american"),
        ["schoolLevel"] = "some-college", ["householdIncomeRange"] = "0-24999", ["zipCode"] = "10001",
    };

    [Fact]
    public async Task Operators_read_the_whole_panel_suppressed_below_k_as_it_changes_and_after_a_restart()
    {
        var database = await postgres.CreateDatabaseAsync();
        var members = new List<(TestParticipant Participant, JsonObject? Profile)>();
        await using (var life = await StartLifeAsync(database))
        {
            var api = life.Api;
            // 14 + 12 + 6 with a profile, 4 without: 36.
            foreach (var profile in Enumerable.Range(0, 14).Select(_ => Young()).Concat(Enumerable.Range(0, 12).Select(_ => Middle()))
                .Concat(Enumerable.Range(0, 6).Select(_ => Student())).Concat(Enumerable.Repeat<JsonObject?>(null, 4)))
            {
                var participant = await api.JoinAsync();
                if (profile is not null)
                {
                    await (await participant.Client.PutAsJsonAsync("/v1/me/profile", profile)).ShouldBeAsync(HttpStatusCode.OK);
                }
                members.Add((participant, profile));
            }

            var figures = await ReadAsync(api.Operator);
            var cells = PanelFigures.Check(figures, Profiles(members));
            Assert.Equal(36, cells["total"]);
            Assert.Equal(14, cells["ageRange=25-34"]);
            Assert.Equal(12, cells["ageRange=35-44"]);
            Assert.Null(cells["ageRange=19-24"]);
            Assert.Null(cells["ageRange="]);
            Assert.Equal(26, cells["zipCode=945"]);
            Assert.Null(cells["zipCode=other"]);
            Assert.Equal(["945", "other"], figures["questions"]![5]!["answers"]!.AsArray().Select(a => (string)a!["answer"]!));
            // Complementary: "not answered" (4) is suppressed, so asian-indian's yes (12) or no (20) must be too, or
            // 36 − 12 − 20 would reveal it; the smaller one is.
            Assert.Null(cells["races="]);
            Assert.Null(cells["asian-indian=yes"]);
            Assert.Equal(20, cells["asian-indian=no"]);
            Assert.Equal(26, cells["white=yes"]);

            var crossed = await ReadAsync(api.Operator, "?by=ageRange,gender");
            PanelFigures.Check(crossed, Profiles(members));
            Assert.Equal(figures["questions"]!.ToJsonString(), crossed["questions"]!.ToJsonString());
            Assert.Equal(35, crossed["crossTab"]!["cells"]!.AsArray().Count);

            // A profile changes, another is deleted, a participant leaves Rally: the figures follow.
            var moved = Young();
            moved["ageRange"] = "35-44";
            await (await members[0].Participant.Client.PutAsJsonAsync("/v1/me/profile", moved)).ShouldBeAsync(HttpStatusCode.OK);
            members[0] = (members[0].Participant, moved);
            Assert.Equal(HttpStatusCode.NoContent, (await members[1].Participant.Client.DeleteAsync("/v1/me/profile")).StatusCode);
            members[1] = (members[1].Participant, null);
            await (await members[14].Participant.Client.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
            members.RemoveAt(14);

            figures = await ReadWhenAsync(api.Operator, "", f => (long?)f["total"]!["count"] == 35 && Count(f, "ageRange", "25-34") == 12);
            cells = PanelFigures.Check(figures, Profiles(members));
            Assert.Equal(12, cells["ageRange=25-34"]);
            Assert.Equal(12, cells["ageRange=35-44"]);
            Assert.Equal(11, cells["gender=male"]);
            Assert.Equal(19, cells["gender=female"]);
            PanelFigures.Check(await ReadAsync(api.Operator, "?by=gender,zipCode"), Profiles(members));
            await life.Cluster.StopAllSilosAsync();
        }

        // The counts are stored: a new life of the silos reads the same figures.
        await using (var life = await StartLifeAsync(database))
        {
            var cells = PanelFigures.Check(await ReadAsync(life.Api.Operator), Profiles(members));
            Assert.Equal(35, cells["total"]);
            Assert.Equal(12, cells["ageRange=35-44"]);
        }
    }

    [Fact]
    public async Task A_study_s_figures_count_its_enrolled_only_and_follow_those_who_leave_it()
    {
        var api = await fixture.ConnectAsync(postgres);
        var (studyId, _) = await api.EnrollingStudyAsync();
        var members = new List<(TestParticipant Participant, JsonObject? Profile)>();
        foreach (var profile in Enumerable.Range(0, 11).Select(_ => Young()).Concat(Enumerable.Range(0, 4).Select(_ => Student())))
        {
            var participant = await api.JoinAsync();
            await (await participant.Client.PutAsJsonAsync("/v1/me/profile", profile)).ShouldBeAsync(HttpStatusCode.OK);
            await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
            members.Add((participant, profile));
        }
        // Others in Rally, not in the study.
        for (var i = 0; i < 3; i++)
        {
            var other = await api.JoinAsync();
            await (await other.Client.PutAsJsonAsync("/v1/me/profile", Middle())).ShouldBeAsync(HttpStatusCode.OK);
        }

        var figures = await ReadAsync(api.Operator, $"?studyId={studyId}");
        Assert.Equal(studyId, (string?)figures["studyId"]);
        var cells = PanelFigures.Check(figures, Profiles(members));
        Assert.Equal(15, cells["total"]);
        Assert.Equal(11, cells["ageRange=25-34"]);
        Assert.Null(cells["ageRange=35-44"]);
        PanelFigures.Check(await ReadAsync(api.Operator, $"?studyId={studyId}&by=householdIncomeRange,hispanicLatinxSpanishOrigin"), Profiles(members));

        // One leaves the study (10 left: still published), then another (9: suppressed).
        for (var i = 0; i < 2; i++)
        {
            await (await members[0].Participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
            members.RemoveAt(0);
        }
        figures = await ReadWhenAsync(api.Operator, $"?studyId={studyId}", f => (long?)f["total"]!["count"] == 13);
        cells = PanelFigures.Check(figures, Profiles(members));
        Assert.Null(cells["ageRange=25-34"]);
    }

    [Fact]
    public async Task Only_operators_read_the_panel_and_bad_queries_are_refused()
    {
        var api = await fixture.ConnectAsync(postgres);
        var participant = await api.JoinAsync();
        var partner = await api.NewPartnerAsync();
        var (studyId, _) = await api.EnrollingStudyAsync();
        await (await api.Anonymous.GetAsync("/v1/panel/representation")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await participant.Client.GetAsync("/v1/panel/representation")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await partner.Researcher.GetAsync($"/v1/panel/representation?studyId={studyId}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        foreach (var by in new[] { "ageRange,ageRange", "races,gender", "ageRange", "ageRange,gender,zipCode", "age,gender", "ageRange%00,gender" })
        {
            await (await api.Operator.GetAsync($"/v1/panel/representation?by={by}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        }
        foreach (var study in new[] { "s-" + new string('a', 24) + "-" + new string('a', 16), "nope", studyId + "x" })
        {
            await (await api.Operator.GetAsync($"/v1/panel/representation?studyId={study}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        }
        // A study nobody enrolled in: nothing but suppressed zeros.
        var empty = await ReadAsync(api.Operator, $"?studyId={studyId}");
        PanelFigures.Check(empty, []);
        Assert.True((bool)empty["total"]!["suppressed"]!);
    }

    private static Task<TestDeployment> StartLifeAsync(string database) =>
        TestDeployment.StartAsync(1, TestClusters.OnPostgres(database), b => b.Options.ServiceId = ServiceId);

    private static List<JsonObject?> Profiles(List<(TestParticipant Participant, JsonObject? Profile)> members) => [.. members.Select(m => m.Profile)];

    private static async Task<JsonObject> ReadAsync(HttpClient operatorClient, string query = "") =>
        await (await operatorClient.GetAsync("/v1/panel/representation" + query)).ShouldBeAsync(HttpStatusCode.OK);

    /// <summary>The figures once they show a change (each is made within the request that changes them, or retried soon after).</summary>
    private static async Task<JsonObject> ReadWhenAsync(HttpClient operatorClient, string query, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var figures = await ReadAsync(operatorClient, query);
            if (done(figures))
            {
                return figures;
            }
            Assert.True(DateTime.UtcNow < deadline, $"The figures did not change: {figures.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private static long? Count(JsonObject figures, string question, string answer) =>
        (long?)figures["questions"]!.AsArray().Single(q => (string?)q!["question"] == question)!["answers"]!.AsArray()
            .Single(a => (string?)a!["answer"] == answer)!["count"];
}
