using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>Credentials that can be withdrawn: revoked, rotated and suspended researcher keys, replaced participant tokens.</summary>
public abstract class CredentialLifecycleCases : RallyCases
{
    [Fact]
    public async Task A_revoked_researcher_key_is_refused_at_once_and_for_good()
    {
        var partner = await Api.NewPartnerAsync();
        var studyId = await RallyApi.DraftAsync(partner.Researcher);

        Assert.Equal(HttpStatusCode.NoContent, (await Api.Operator.DeleteAsync(Researcher(partner))).StatusCode);

        await (await partner.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Operator.DeleteAsync(Researcher(partner))).StatusCode);
        await (await Api.Operator.PostAsync($"{Researcher(partner)}/rotate", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        var read = await (await Api.Operator.GetAsync($"/v1/partners/{partner.Id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.NotNull(Assert.Single(read["researcherKeys"]!.AsArray())!["revokedAt"]);
        Assert.Equal("draft", (string?)(await (await Api.Operator.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);
    }

    [Fact]
    public async Task A_rotated_researcher_key_replaces_the_old_one_at_once()
    {
        var partner = await Api.NewPartnerAsync();
        var studyId = await RallyApi.DraftAsync(partner.Researcher);

        var rotated = await (await Api.Operator.PostAsync($"{Researcher(partner)}/rotate", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(partner.ResearcherId.ToString(), (string?)rotated["researcherId"]);
        var key = (string)rotated["key"]!;
        Assert.StartsWith("rr_", key, StringComparison.Ordinal);
        await (await partner.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await Api.WithToken(key).GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_suspended_partners_keys_are_refused_until_it_is_reinstated_and_its_studies_stay()
    {
        var (studyId, partner) = await Api.EnrollingStudyAsync();
        var other = await Api.NewPartnerAsync();

        var suspended = await (await Api.Operator.PostAsync($"/v1/partners/{partner.Id}/suspend", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.NotNull(suspended["suspendedAt"]);
        await (await partner.Researcher.GetAsync($"/v1/studies/{studyId}/stats")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await other.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard())).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("enrolling", (string?)(await (await Api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);
        var participant = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);

        var reinstated = await (await Api.Operator.PostAsync($"/v1/partners/{partner.Id}/reinstate", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Null(reinstated["suspendedAt"]);
        Assert.Equal(1, (long?)(await (await partner.Researcher.GetAsync($"/v1/studies/{studyId}/stats")).ShouldBeAsync(HttpStatusCode.OK))["enrolled"]);
        await (await Api.Operator.PostAsync($"/v1/partners/{Guid.NewGuid()}/suspend", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Operators_see_when_each_researcher_key_was_last_used()
    {
        var partner = await Api.NewPartnerAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var unused = Assert.Single((await (await Api.Operator.GetAsync($"/v1/partners/{partner.Id}")).ShouldBeAsync(HttpStatusCode.OK))["researcherKeys"]!.AsArray())!;
        Assert.Null(unused["lastUsedAt"]);

        await RallyApi.DraftAsync(partner.Researcher);

        var used = Assert.Single((await (await Api.Operator.GetAsync($"/v1/partners/{partner.Id}")).ShouldBeAsync(HttpStatusCode.OK))["researcherKeys"]!.AsArray())!;
        Assert.True(DateTimeOffset.Parse((string)used["lastUsedAt"]!, System.Globalization.CultureInfo.InvariantCulture) >= before);
        Assert.Equal("Dr. Test", (string?)used["name"]);
        Assert.DoesNotContain(partner.ResearcherKey, used.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replaced_participant_token_is_refused_and_a_resent_replacement_gets_the_same_new_token()
    {
        var participant = await Api.JoinAsync();
        var request = new JsonObject { ["requestId"] = Guid.NewGuid().ToString() };

        var replaced = await (await participant.Client.PostAsJsonAsync("/v1/me/token", request)).ShouldBeAsync(HttpStatusCode.OK);
        var resent = await (await participant.Client.PostAsJsonAsync("/v1/me/token", request)).ShouldBeAsync(HttpStatusCode.OK);

        var token = (string)replaced["token"]!;
        Assert.StartsWith("rp_", token, StringComparison.Ordinal);
        Assert.NotEqual(participant.Token, token);
        Assert.Equal(token, (string?)resent["token"]);
        await (await participant.Client.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var another = new JsonObject { ["requestId"] = Guid.NewGuid().ToString() };
        await (await participant.Client.PostAsJsonAsync("/v1/me/token", another)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var me = await (await Api.WithToken(token).GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(participant.Id.ToString(), (string?)me["participantId"]);
        // Once the new token is used, its holder has it: the old one no longer resends.
        await (await participant.Client.PostAsJsonAsync("/v1/me/token", request)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await Api.WithToken(token).PostAsJsonAsync("/v1/me/token", new JsonObject())).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }

    private static string Researcher(TestPartner partner) => $"/v1/partners/{partner.Id}/researchers/{partner.ResearcherId}";
}

[Collection(ApiCollection.Name)]
public sealed class CredentialLifecycleTests(ApiFixture fixture) : CredentialLifecycleCases()
{
    protected override Task<RallyApi> ConnectAsync() => Task.FromResult(new RallyApi(fixture));
}

[Collection(PostgresCollection.Name)]
public sealed class CredentialLifecycleOnPostgresTests(PostgresServer postgres, PostgresApiFixture fixture) : CredentialLifecycleCases(), IClassFixture<PostgresApiFixture>
{
    protected override Task<RallyApi> ConnectAsync() => fixture.ConnectAsync(postgres);
}
