using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class StudyCardTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    public static TheoryData<string, string> BadCards => new()
    {
        { "a private key", """{"encryptionKey":{"d":"AAAA"}}""" },
        { "an RSA key", """{"encryptionKey":{"kty":"RSA"}}""" },
        { "another curve", """{"encryptionKey":{"crv":"P-384"}}""" },
        { "a point off the curve", """{"encryptionKey":{"y":"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA"}}""" },
        { "a short coordinate", """{"encryptionKey":{"x":"AQID"}}""" },
        { "a wrong kid", """{"encryptionKey":{"kid":"not-the-thumbprint"}}""" },
        { "a signing key", """{"encryptionKey":{"use":"sig"}}""" },
        { "another algorithm", """{"encryptionKey":{"alg":"ES256"}}""" },
        { "key operations without derivation", """{"encryptionKey":{"key_ops":["sign","verify"]}}""" },
        { "an empty private key", """{"encryptionKey":{"d":""}}""" },
        { "no data types", """{"dataCollected":[]}""" },
        { "a duplicate data type", """{"dataCollected":[{"type":"a","description":"x"},{"type":"a","description":"y"}]}""" },
        { "a bad data type", """{"dataCollected":[{"type":"Page Visit","description":"x"}]}""" },
        { "private browsing without warning", """{"collectsInPrivateBrowsing":true}""" },
        { "an http add-on", """{"addOn":{"downloadUrl":"http://addons.rally.test/a.xpi"}}""" },
        { "a bad study id", """{"studyId":"Bad Id!"}""" },
        { "a bad consent version", """{"consentVersion":""}""" },
        { "a missing name", """{"name":null}""" },
        { "an unknown field", """{"colour":"blue"}""" },
    };

    [Theory]
    [MemberData(nameof(BadCards))]
    public async Task Invalid_study_cards_are_refused(string what, string patch)
    {
        var partner = await _api.NewPartnerAsync();
        var card = RallyApi.StudyCard();
        Merge(card, JsonNode.Parse(patch)!.AsObject());

        var response = await partner.Researcher.PostAsJsonAsync("/v1/studies", card);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        Assert.False(string.IsNullOrEmpty(what));
        Assert.NotNull(problem["detail"]);
    }

    [Fact]
    public async Task A_key_without_kid_gets_its_thumbprint_as_kid()
    {
        var partner = await _api.NewPartnerAsync();
        var (x, y, kid) = StudyKeyPair.NewPublicKey();
        var card = RallyApi.StudyCard(edit: c => c["encryptionKey"] = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = x, ["y"] = y });

        var studyId = await RallyApi.DraftAsync(partner.Researcher, card);

        var read = await (await partner.Researcher.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(kid, (string?)read["encryptionKey"]!["kid"]);
        Assert.Equal(["kty", "crv", "x", "y", "kid", "use", "alg"], read["encryptionKey"]!.AsObject().Select(m => m.Key));
        Assert.DoesNotContain(read["encryptionKey"]!.AsObject(), m => m.Value is null);
    }

    [Fact]
    public async Task A_study_id_can_be_taken_once()
    {
        var partner = await _api.NewPartnerAsync();
        var id = $"taken-{Guid.NewGuid():N}"[..20];
        await RallyApi.DraftAsync(partner.Researcher, RallyApi.StudyCard(edit: c => c["studyId"] = id));

        var again = await partner.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard(edit: c => c["studyId"] = id));

        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "already-exists");
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToArray())
        {
            if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
