using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

/// <summary>
/// Study keys and payloads as other JOSE implementations write them: keys from <c>jose</c> and WebCrypto (node), jose-jwt
/// and .NET's identity stack are accepted, with the members they add, and published canonically; the published key
/// imports with <c>jose</c>, whose payloads the upload accepts and the researcher decrypts.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class JoseInteropTests(ApiFixture fixture)
{
    private static readonly string Scripts = Path.Combine(RallyRepository.Root, "tests", "Rally.Tests", "Ingestion", "jose");

    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task Study_keys_as_key_tools_write_them_are_accepted_and_published_with_only_their_canonical_members()
    {
        var fromNode = JsonNode.Parse(await NodeAsync("keys.mjs"))!.AsObject();
        var keys = new Dictionary<string, JsonObject>
        {
            ["jose exportJWK"] = fromNode["jose"]!.AsObject(),
            ["WebCrypto exportKey"] = fromNode["webcrypto"]!.AsObject(),
            ["jose exportJWK with use and alg"] = With(fromNode["jose"]!.AsObject(), ("use", "enc"), ("alg", "ECDH-ES")),
            ["jose-jwt"] = JsonNode.Parse(JoseJwtKey())!.AsObject(),
            [".NET JsonWebKey"] = JsonNode.Parse(IdentityModelKey())!.AsObject(),
        };
        var partner = await _api.NewPartnerAsync();

        foreach (var (producer, key) in keys)
        {
            var response = await partner.Researcher.PostAsJsonAsync("/v1/studies", RallyApi.StudyCard(edit: c => c["encryptionKey"] = key.DeepClone()));
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{producer}: {response.StatusCode} {await response.Content.ReadAsStringAsync()} for {key.ToJsonString()}");
            var studyId = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["studyId"]!;

            var published = (await (await partner.Researcher.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["encryptionKey"]!.AsObject();
            Assert.Equal(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = (string)key["x"]!,
                ["y"] = (string)key["y"]!,
                ["kid"] = StudyKeyPair.Thumbprint((string)key["x"]!, (string)key["y"]!),
                ["use"] = "enc",
                ["alg"] = "ECDH-ES",
            }.ToJsonString(), published.ToJsonString());
        }
    }

    [Fact]
    public async Task The_published_key_imports_with_jose_which_encrypts_payloads_the_upload_accepts_and_the_researcher_decrypts()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        var card = (await (await _api.Anonymous.GetAsync($"/v1/studies/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK))["encryptionKey"]!;
        string[] plaintexts = ["""{"url":"https://news.example/a"}""", """{"query":"weather"}"""];

        var jwes = (await NodeAsync("encrypt.mjs", [card.ToJsonString(), .. plaintexts])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = jwes.Select(jwe => study.Event(payload: jwe)).ToArray();

        var accepted = await (await study.UploadAsync(events)).ShouldBeAsync(HttpStatusCode.Accepted);
        Assert.Equal(2, (int?)accepted["accepted"]);
        var stored = await study.ExportWhenStoredAsync(2);
        Assert.Equal(jwes.Order(StringComparer.Ordinal), stored.Select(l => (string)l["payload"]!).Order(StringComparer.Ordinal));
        Assert.Equal(plaintexts.Order(StringComparer.Ordinal), stored.Select(l => study.Key.Decrypt((string)l["payload"]!)).Order(StringComparer.Ordinal));
    }

    private static async Task<string> NodeAsync(string script, params string[] arguments) =>
        await ProcessRunner.RunAsync("node", [script, .. arguments], TimeSpan.FromMinutes(1), workingDirectory: Scripts);

    private static JsonObject With(JsonObject key, params (string Name, string Value)[] members)
    {
        var copy = key.DeepClone().AsObject();
        foreach (var (name, value) in members)
        {
            copy[name] = value;
        }
        return copy;
    }

    /// <summary>A public key as jose-jwt writes it.</summary>
    private static string JoseJwtKey()
    {
        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return new Jose.Jwk(ecdh, isPrivate: false).ToJson();
    }

    /// <summary>A public key as .NET's identity stack writes it: use and alg set, and its empty lists (key_ops, x5c, oth) too.</summary>
    private static string IdentityModelKey()
    {
        using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicOnly = ECDsa.Create(generated.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly));
        jwk.Use = "enc";
        jwk.Alg = "ECDH-ES";
        return JsonSerializer.Serialize(jwk);
    }
}
