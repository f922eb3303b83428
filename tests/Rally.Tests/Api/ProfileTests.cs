using System.Net;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ProfileTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    private static JsonObject FullProfile() => new()
    {
        ["ageRange"] = "25-34",
        ["gender"] = "neither",
        ["hispanicLatinxSpanishOrigin"] = false,
        ["races"] = new JsonArray("white", "other-asian"),
        ["schoolLevel"] = "bachelor-degree",
        ["householdIncomeRange"] = "50000-74999",
        ["zipCode"] = "02139",
    };

    [Fact]
    public async Task A_profile_round_trips_and_can_be_deleted()
    {
        var participant = await _api.JoinAsync();
        await (await participant.Client.GetAsync("/v1/me/profile")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");

        var saved = await (await participant.Client.PutAsJsonAsync("/v1/me/profile", FullProfile())).ShouldBeAsync(HttpStatusCode.OK);
        var read = await (await participant.Client.GetAsync("/v1/me/profile")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("25-34", (string?)read["ageRange"]);
        Assert.Equal("neither", (string?)read["gender"]);
        Assert.Equal("02139", (string?)read["zipCode"]);
        Assert.Equal(["other-asian", "white"], read["races"]!.AsArray().Select(r => (string)r!).Order());
        Assert.True(JsonNode.DeepEquals(saved, read));
        Assert.True((bool?)(await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["hasProfile"]);

        Assert.Equal(HttpStatusCode.NoContent, (await participant.Client.DeleteAsync("/v1/me/profile")).StatusCode);
        await (await participant.Client.GetAsync("/v1/me/profile")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Every_answer_is_optional()
    {
        var participant = await _api.JoinAsync();

        var saved = await (await participant.Client.PutAsJsonAsync("/v1/me/profile", new JsonObject { ["gender"] = "decline" })).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("decline", (string?)saved["gender"]);
        Assert.Null(saved["ageRange"]);
    }

    [Theory]
    [InlineData("ageRange", "\"18-24\"")]
    [InlineData("ageRange", "1")]
    [InlineData("gender", "\"other\"")]
    [InlineData("gender", "0")]
    [InlineData("races", "[\"martian\"]")]
    [InlineData("races", "\"white\"")]
    [InlineData("schoolLevel", "\"phd\"")]
    [InlineData("householdIncomeRange", "\"lots\"")]
    [InlineData("hispanicLatinxSpanishOrigin", "\"maybe\"")]
    [InlineData("zipCode", "\"1234\"")]
    [InlineData("zipCode", "\"ABCDE\"")]
    [InlineData("favouriteColour", "\"blue\"")]
    public async Task Answers_outside_the_published_values_are_refused_and_change_nothing(string field, string json)
    {
        var participant = await _api.JoinAsync();
        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", FullProfile())).ShouldBeAsync(HttpStatusCode.OK);

        var response = await participant.Client.PutAsync("/v1/me/profile",
            new StringContent($$"""{"gender":"male","{{field}}":{{json}}}""", System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains(field, problem.ToJsonString(), StringComparison.Ordinal);
        var read = await (await participant.Client.GetAsync("/v1/me/profile")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("neither", (string?)read["gender"]);
    }

    [Fact]
    public async Task The_allowed_answers_are_published_in_the_openapi_document()
    {
        var document = await (await _api.Anonymous.GetAsync("/openapi/v1.json")).ShouldBeAsync(HttpStatusCode.OK);
        var text = document.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        foreach (var value in new[] { "19-24", "65+", "neither", "decline", "american-indian-or-alaska-native", "some-other-race", "graduate-degree", "150000+" })
        {
            Assert.Contains($"\"{value}\"", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_participant_sees_only_its_own_profile()
    {
        var alice = await _api.JoinAsync();
        var bob = await _api.JoinAsync();
        await (await alice.Client.PutAsJsonAsync("/v1/me/profile", FullProfile())).ShouldBeAsync(HttpStatusCode.OK);

        await (await bob.Client.GetAsync("/v1/me/profile")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
