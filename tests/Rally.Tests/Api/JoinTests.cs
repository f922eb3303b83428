using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class JoinTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task Platform_publishes_the_current_consent_and_eligibility_rules()
    {
        var platform = await (await _api.Anonymous.GetAsync("/v1/platform")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("1.0", (string?)platform["platformConsentVersion"]);
        Assert.Equal("US", (string?)platform["eligibility"]!["residesIn"]);
        Assert.Equal(19, (int?)platform["eligibility"]!["minimumAge"]);
    }

    [Fact]
    public async Task Joining_returns_an_id_and_a_token_that_identifies_the_participant()
    {
        var participant = await _api.JoinAsync();

        var me = await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(participant.Id.ToString(), (string?)me["participantId"]);
        Assert.Equal("active", (string?)me["status"]);
        Assert.Equal("1.0", (string?)me["platformConsentVersion"]);
        Assert.Empty(me["enrollments"]!.AsArray());
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task Ineligible_people_are_refused(bool residesInUnitedStates, bool ageAtLeast19)
    {
        var response = await _api.Anonymous.PostAsJsonAsync("/v1/participants", RallyApi.JoinBody(us: residesInUnitedStates, age: ageAtLeast19));

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Joining_without_the_current_platform_consent_is_refused()
    {
        var response = await _api.Anonymous.PostAsJsonAsync("/v1/participants", RallyApi.JoinBody(consent: "0.9"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "consent-version-mismatch");
        Assert.Contains("1.0", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "not valid JSON")]
    [InlineData("""{"platformConsentVersion":"1.0","residesInUnitedStates":"yes","ageAtLeast19":true}""", "$.residesInUnitedStates")]
    [InlineData("""{"platformConsentVersion":"1.0","residesInUnitedStates":true}""", "ageAtLeast19")]
    [InlineData("""{"platformConsentVersion":null,"residesInUnitedStates":true,"ageAtLeast19":true}""", "platformConsentVersion")]
    [InlineData("""{"platformConsentVersion":"1.0","residesInUnitedStates":true,"ageAtLeast19":true,"age":44}""", "'age'")]
    [InlineData("""{"platformConsentVersion":"","residesInUnitedStates":true,"ageAtLeast19":true}""", "see errors")]
    public async Task Malformed_join_bodies_are_refused_with_a_problem_saying_what_is_wrong(string body, string detailMentions)
    {
        var response = await _api.Anonymous.PostJsonTextAsync("/v1/participants", body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains(detailMentions, (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_body_is_a_bad_request()
    {
        var response = await _api.Anonymous.PostJsonTextAsync("/v1/participants", "");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_an_unsupported_media_type()
    {
        var response = await _api.Anonymous.PostJsonTextAsync("/v1/participants", "platformConsentVersion=1.0", "application/x-www-form-urlencoded");

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        var padding = new string('x', 2 * 1024 * 1024);
        var response = await _api.Anonymous.PostJsonTextAsync("/v1/participants", $$"""{"platformConsentVersion":"{{padding}}","residesInUnitedStates":true,"ageAtLeast19":true}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Fact]
    public async Task Each_install_joins_on_its_own_and_gets_its_own_identity()
    {
        var first = await _api.JoinAsync();
        var second = await _api.JoinAsync();

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(first.Token, second.Token);
        var me = await (await second.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(second.Id.ToString(), (string?)me["participantId"]);
    }

    [Fact]
    public async Task Bad_credentials_are_401_and_other_roles_are_403_on_participant_routes()
    {
        var participant = await _api.JoinAsync();
        var partner = await _api.NewPartnerAsync();
        // Right participant id, wrong secret: a forged token.
        var forged = participant.Token[..^4] + (participant.Token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        await (await _api.Anonymous.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await _api.WithToken("nonsense").GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await _api.WithToken(forged).GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await partner.Researcher.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await _api.Operator.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await participant.Client.GetAsync("/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_participant_token_is_not_accepted_on_operator_routes()
    {
        var participant = await _api.JoinAsync();

        var response = await participant.Client.PostAsJsonAsync("/v1/partners", new JsonObject { ["name"] = "Mine" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }
}
