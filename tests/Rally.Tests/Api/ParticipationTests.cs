using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>
/// P9: the public participation figure of a study (its card and the catalogue, read anonymously) shows how many take
/// part only from k (Rally:Privacy:MinCellSize, 10 by default) on; below it, only "fewer than k".
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ParticipationTests(ApiFixture fixture)
{
    private const int K = 10;

    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task A_study_of_2_participants_shows_only_fewer_than_k_on_its_card_and_in_the_catalogue()
    {
        var studyId = await StudyOfAsync(2);

        foreach (var card in await AnonymousCardsAsync(studyId))
        {
            var participation = card["participation"]!;
            Assert.Null(participation["enrolled"]);
            Assert.True((bool?)participation["suppressed"]);
            Assert.Equal(K, (int?)participation["fewerThan"]);
            // The exact count is nowhere in the public card.
            Assert.DoesNotContain("\"enrolled\":2", card.ToJsonString(), StringComparison.Ordinal);
        }
        // The study's own researchers and operators have the exact figure, in /stats.
        Assert.Equal(2, (int?)(await (await _api.Operator.GetAsync($"/v1/studies/{studyId}/stats")).ShouldBeAsync(HttpStatusCode.OK))["enrolled"]);
    }

    [Fact]
    public async Task A_study_of_18_participants_shows_how_many_take_part_on_its_card_and_in_the_catalogue()
    {
        var studyId = await StudyOfAsync(18);

        foreach (var card in await AnonymousCardsAsync(studyId))
        {
            var participation = card["participation"]!;
            Assert.Equal(18, (int?)participation["enrolled"]);
            Assert.False((bool?)participation["suppressed"]);
            Assert.Null(participation["fewerThan"]);
        }
    }

    [Fact]
    public async Task An_ended_study_keeps_its_figure_and_falls_below_k_as_participants_leave()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        var participants = await EnrollAsync(studyId, K);
        await _api.MoveAsync(studyId, "end");
        Assert.All(await AnonymousCardsAsync(studyId), card => Assert.Equal(K, (int?)card["participation"]!["enrolled"]));

        await (await participants[0].Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.All(await AnonymousCardsAsync(studyId), card =>
        {
            Assert.Null(card["participation"]!["enrolled"]);
            Assert.True((bool?)card["participation"]!["suppressed"]);
        });
    }

    [Fact]
    public async Task A_paused_study_shows_its_figure_as_an_enrolling_one_does()
    {
        var studyId = await StudyOfAsync(12);
        await _api.MoveAsync(studyId, "pause");

        Assert.All(await AnonymousCardsAsync(studyId), card =>
        {
            Assert.Equal("paused", (string?)card["state"]);
            Assert.Equal(12, (int?)card["participation"]!["enrolled"]);
        });
    }

    [Fact]
    public async Task A_draft_or_a_study_whose_analysis_completed_shows_no_figure()
    {
        var partner = await _api.NewPartnerAsync();
        var draft = await RallyApi.DraftAsync(partner.Researcher);
        var read = await (await partner.Researcher.GetAsync($"/v1/studies/{draft}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(read.ContainsKey("participation"));
        Assert.Null(read["participation"]);

        var studyId = await StudyOfAsync(0);
        await _api.MoveAsync(studyId, "end");
        var completed = await _api.MoveAsync(studyId, "complete-analysis");
        Assert.Null(completed["participation"]);
        Assert.Null((await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["participation"]);
    }

    private async Task<string> StudyOfAsync(int participants)
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        await EnrollAsync(studyId, participants);
        return studyId;
    }

    private async Task<TestParticipant[]> EnrollAsync(string studyId, int count)
    {
        var participants = new TestParticipant[count];
        for (var i = 0; i < count; i++)
        {
            participants[i] = await _api.JoinAsync();
            await (await RallyApi.EnrollAsync(participants[i], studyId)).ShouldBeAsync(HttpStatusCode.Created);
        }
        return participants;
    }

    /// <summary>The study's card read anonymously, and its entry in the anonymous catalogue.</summary>
    private async Task<JsonNode[]> AnonymousCardsAsync(string studyId)
    {
        var card = await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        var catalogue = await _api.Anonymous.GetFromJsonAsync<JsonArray>("/v1/studies");
        return [card, catalogue!.Single(s => (string?)s!["studyId"] == studyId)!];
    }
}
