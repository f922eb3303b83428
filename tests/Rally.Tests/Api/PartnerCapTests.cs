using System.Net;
using System.Net.Http.Json;
using Rally.Grains.Partners;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>A partner's caps as callers meet them: one more is <c>409 limit-reached</c>, and nothing is made.</summary>
[Collection(ApiCollection.Name)]
public sealed class PartnerCapTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task One_researcher_key_more_than_the_cap_is_limit_reached_and_issues_nothing()
    {
        var partner = await _api.NewPartnerAsync();
        var path = $"/v1/partners/{partner.Id}/researchers";
        for (var i = 1; i < new PartnerOptions().MaxResearchers; i++)
        {
            await (await _api.Operator.PostAsJsonAsync(path, new { name = "Dr. More" })).ShouldBeAsync(HttpStatusCode.Created);
        }

        await (await _api.Operator.PostAsJsonAsync(path, new { name = "Dr. One Too Many" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "limit-reached");

        var read = await (await _api.Operator.GetAsync($"/v1/partners/{partner.Id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(new PartnerOptions().MaxResearchers, read["researcherKeys"]!.AsArray().Count);
    }

    [Fact]
    public async Task One_draft_more_than_the_cap_is_limit_reached_until_a_draft_is_launched()
    {
        var partner = await _api.NewPartnerAsync();
        var drafts = new List<string>();
        for (var i = 0; i < new PartnerOptions().MaxDrafts; i++)
        {
            drafts.Add(await RallyApi.DraftAsync(partner.Researcher));
        }

        await (await partner.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeProblemAsync(HttpStatusCode.Conflict, "limit-reached");

        await _api.MoveAsync(drafts[0], "launch");
        await (await partner.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeAsync(HttpStatusCode.Created);
    }
}
