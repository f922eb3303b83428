using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Rally.Api.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class StudyAccessTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task Only_operators_create_partners_and_issue_researcher_keys()
    {
        var partner = await _api.NewPartnerAsync();
        var participant = await _api.JoinAsync();
        var body = new JsonObject { ["name"] = "Rogue Lab" };

        await (await _api.Anonymous.PostAsJsonAsync("/v1/partners", body)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await partner.Researcher.PostAsJsonAsync("/v1/partners", body)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await participant.Client.PostAsJsonAsync($"/v1/partners/{partner.Id}/researchers", body)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await partner.Researcher.PostAsJsonAsync($"/v1/partners/{partner.Id}/researchers", body)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await _api.Operator.PostAsJsonAsync($"/v1/partners/{Guid.NewGuid()}/researchers", body)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await _api.Operator.PostAsJsonAsync("/v1/partners", new JsonObject { ["name"] = "" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        var read = await (await _api.Operator.GetAsync($"/v1/partners/{partner.Id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(partner.ResearcherId.ToString(), (string?)Assert.Single(read["researchers"]!.AsArray()));
        Assert.DoesNotContain(partner.ResearcherKey, read.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_operators_manage_partners_and_researcher_keys_and_only_the_participant_replaces_its_token()
    {
        var partner = await _api.NewPartnerAsync();
        var participant = await _api.JoinAsync();
        var researcher = $"/v1/partners/{partner.Id}/researchers/{partner.ResearcherId}";
        (string Route, Func<HttpClient, Task<HttpResponseMessage>> Call)[] operatorRoutes =
        [
            ("GET the partner", c => c.GetAsync($"/v1/partners/{partner.Id}")),
            ("DELETE a researcher", c => c.DeleteAsync(researcher)),
            ("POST rotate", c => c.PostAsync($"{researcher}/rotate", null)),
            ("POST suspend", c => c.PostAsync($"/v1/partners/{partner.Id}/suspend", null)),
            ("POST reinstate", c => c.PostAsync($"/v1/partners/{partner.Id}/reinstate", null)),
        ];
        foreach (var (_, call) in operatorRoutes)
        {
            await (await call(_api.Anonymous)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            await (await call(partner.Researcher)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await call(participant.Client)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
        var replace = new JsonObject { ["requestId"] = Guid.NewGuid().ToString() };
        await (await _api.Anonymous.PostAsJsonAsync("/v1/me/token", replace)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await partner.Researcher.PostAsJsonAsync("/v1/me/token", replace)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await _api.Operator.PostAsJsonAsync("/v1/me/token", replace)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // Nothing was changed by the refused calls.
        await (await partner.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeAsync(HttpStatusCode.Created);
        await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Every_operator_key_configured_is_accepted()
    {
        const string second = "second-operator-key-0123456789abcdef";
        await using var front = RallyApiFactory.Start(fixture.Cluster, new Dictionary<string, string?> { ["Rally:OperatorKeys:0"] = second });
        var api = new RallyApi(front);

        await (await api.Operator.PostAsJsonAsync("/v1/partners", new { name = "First key" })).ShouldBeAsync(HttpStatusCode.Created);
        await (await api.WithToken(second).PostAsJsonAsync("/v1/partners", new { name = "Second key" })).ShouldBeAsync(HttpStatusCode.Created);
        await (await api.WithToken(second + "x").PostAsJsonAsync("/v1/partners", new { name = "No key" })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_researcher_key_is_shown_once_and_works_only_as_given()
    {
        var partner = await _api.NewPartnerAsync();

        Assert.StartsWith("rr_", partner.ResearcherKey, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await partner.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).StatusCode);
        var tampered = _api.WithToken(partner.ResearcherKey[..^1] + (partner.ResearcherKey[^1] == 'A' ? 'B' : 'A'));
        await (await tampered.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Researchers_draft_for_their_own_partner_and_operators_name_one()
    {
        var mine = await _api.NewPartnerAsync("Mine");
        var theirs = await _api.NewPartnerAsync("Theirs");
        var participant = await _api.JoinAsync();

        var forOther = RallyApi.StudyCard(edit: c => c["partnerId"] = theirs.Id.ToString());
        await (await mine.Researcher.PostAsJsonAsync("/v1/studies", forOther)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await _api.Operator.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await _api.Operator.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard(edit: c => c["partnerId"] = Guid.NewGuid().ToString()))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await participant.Client.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var drafted = await (await _api.Operator.PostAsJsonAsync("/v1/studies", forOther)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("draft", (string?)drafted["state"]);
        var card = await (await theirs.Researcher.GetAsync($"/v1/studies/{(string)drafted["studyId"]!}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Theirs", (string?)card["partner"]);
        Assert.Equal(theirs.Id.ToString(), (string?)card["partnerId"]);
    }

    [Fact]
    public async Task A_draft_is_visible_only_to_its_partner_and_operators()
    {
        var owner = await _api.NewPartnerAsync();
        var other = await _api.NewPartnerAsync();
        var studyId = await RallyApi.DraftAsync(owner.Researcher);

        await (await owner.Researcher.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        await (await _api.Operator.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        var hidden = await (await other.Researcher.GetAsync($"/v1/studies/{studyId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        var missing = await (await other.Researcher.GetAsync("/v1/studies/no-such-study")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal((string?)missing["title"], (string?)hidden["title"]);

        var listed = await (await _api.Anonymous.GetAsync("/v1/studies")).Content.ReadFromJsonAsync<JsonArray>();
        Assert.DoesNotContain(listed!, s => (string?)s!["studyId"] == studyId);
    }

    [Fact]
    public async Task Another_partners_study_answers_as_if_it_did_not_exist()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        var other = await _api.NewPartnerAsync();
        var consent = new JsonObject { ["consentVersion"] = "9" };

        var hidden = await (await other.Researcher.PutAsJsonAsync($"/v1/studies/{studyId}/consent", consent)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        var missing = await (await other.Researcher.PutAsJsonAsync("/v1/studies/no-such-study/consent", consent)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");

        Assert.Equal((string?)missing["title"], (string?)hidden["title"]);
        Assert.Equal("1", (string?)(await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["consentVersion"]);
    }

    [Fact]
    public async Task Operators_may_publish_consent_for_any_study()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();

        var updated = await (await _api.Operator.PutAsJsonAsync($"/v1/studies/{studyId}/consent", new JsonObject { ["consentVersion"] = "1.1" })).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("1.1", (string?)updated["consentVersion"]);
        Assert.Equal(2, updated["dataCollected"]!.AsArray().Count);
    }

    [Fact]
    public void Every_route_of_one_study_is_checked_by_the_study_access_rule()
    {
        var endpoints = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/studies/{studyId}", StringComparison.Ordinal) == true)
            .ToArray();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(e.Metadata.GetMetadata<StudyAccessMetadata>() is not null,
            $"{e.DisplayName} is not mapped with MapStudyRoutes, so nothing checks who may see its study."));
    }

    [Fact]
    public async Task Every_route_a_researcher_may_call_answers_for_another_partners_study_as_for_a_missing_one()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        var draftId = await RallyApi.DraftAsync((await _api.NewPartnerAsync()).Researcher);
        var other = await _api.NewPartnerAsync();
        var ids = fixture.Factory.Services.GetRequiredService<StudyIds>();
        var made = ids.New();
        var forged = made[..^1] + (made[^1] == 'a' ? 'b' : 'a');
        var consent = new JsonObject { ["consentVersion"] = "9" };
        (string Route, string Theirs, HttpStatusCode Status, string Slug, Func<string, Task<HttpResponseMessage>> Call)[] routes =
        [
            ("GET a draft", draftId, HttpStatusCode.NotFound, "not-found", id => other.Researcher.GetAsync($"/v1/studies/{id}")),
            ("PUT consent", studyId, HttpStatusCode.NotFound, "not-found", id => other.Researcher.PutAsJsonAsync($"/v1/studies/{id}/consent", consent)),
            ("GET events", studyId, HttpStatusCode.NotFound, "not-found", id => other.Researcher.GetAsync($"/v1/studies/{id}/events")),
            ("GET stats", studyId, HttpStatusCode.NotFound, "not-found", id => other.Researcher.GetAsync($"/v1/studies/{id}/stats")),
            ("POST releases", studyId, HttpStatusCode.NotFound, "not-found", id => other.Researcher.PostAsJsonAsync($"/v1/studies/{id}/releases", new { epsilon = 1 })),
            ("GET releases of a draft", draftId, HttpStatusCode.NotFound, "not-found", id => other.Researcher.GetAsync($"/v1/studies/{id}/releases")),
            // Drafting names no id at all: naming one, taken or not, is the same refusal.
            ("POST a draft naming the id", studyId, HttpStatusCode.BadRequest, "invalid-request",
                id => other.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard(edit: c => c["studyId"] = id))),
        ];

        foreach (var (route, theirs, status, slug, call) in routes)
        {
            var hidden = await (await call(theirs)).ShouldBeProblemAsync(status, slug);
            foreach (var absent in new[] { "no-such-study", ids.New(), forged })
            {
                var missing = await (await call(absent)).ShouldBeProblemAsync(status, slug);
                Assert.True(hidden.Comparable(theirs) == missing.Comparable(absent), $"{route}: {hidden} but, for {absent}, {missing}");
            }
        }
        Assert.Equal("1", (string?)(await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["consentVersion"]);
    }
}
