using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Deletions;

/// <summary>
/// Deletion receipts checked by a JOSE library nobody here wrote (<c>jose</c> under node, installed by the build from
/// <c>Ingestion/jose/package-lock.json</c>) against the key set the front serves: a receipt verifies and states the
/// request; an altered one does not; one signed before the signing key was rotated still verifies after.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DeletionReceiptTests(ApiFixture fixture)
{
    private static readonly string Scripts = Path.Combine(RallyRepository.Root, "tests", "Rally.Tests", "Ingestion", "jose");

    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task A_receipt_verifies_with_jose_against_the_served_key_set_and_states_the_request()
    {
        var (participant, deletion) = await CompletedDeletionAsync(_api);

        var verified = Assert.Single(await VerifyAsync(fixture.Factory, (string)deletion["receipt"]!))!;

        Assert.True((bool?)verified["ok"], verified.ToJsonString());
        var claims = verified["claims"]!;
        foreach (var name in new[] { "deletionId", "studyId", "status", "dataDeletion", "requestedAt", "completedAt" })
        {
            Assert.Equal(deletion[name]!.ToJsonString(), claims[name]!.ToJsonString());
        }
        Assert.Equal(1L, (long?)claims["deletedEvents"]);
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (long)claims["iat"]!) < 300);
        Assert.DoesNotContain(participant.Id.ToString(), claims.ToJsonString(), StringComparison.Ordinal);
        var keys = await (await _api.Anonymous.GetAsync("/.well-known/jwks.json")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal((string?)keys["keys"]![0]!["kid"], (string?)verified["header"]!["kid"]);
    }

    [Fact]
    public async Task An_altered_receipt_does_not_verify()
    {
        var (_, deletion) = await CompletedDeletionAsync(_api);
        var receipt = (string)deletion["receipt"]!;
        var parts = receipt.Split('.');
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        claims["deletedEvents"] = 1000;
        var inflated = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{parts[2]}";
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[5] ^= 1;
        var flipped = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}";
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!;
        header["alg"] = "none";
        var unsigned = $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{parts[1]}.";

        var results = await VerifyAsync(fixture.Factory, receipt, inflated, flipped, unsigned);

        Assert.True((bool?)results[0]!["ok"], results[0]!.ToJsonString());
        Assert.All(results.Skip(1), r => Assert.False((bool?)r!["ok"], r!.ToJsonString()));
    }

    [Fact]
    public async Task A_receipt_signed_before_the_key_was_rotated_still_verifies_after()
    {
        var (participant, before) = await CompletedDeletionAsync(_api);
        var oldKey = (await (await _api.Anonymous.GetAsync("/.well-known/jwks.json")).ShouldBeAsync(HttpStatusCode.OK))["keys"]![0]!;

        // A front with a new key, the old public key kept published.
        await using var rotated = RallyApiFactory.Start(fixture.Cluster, new Dictionary<string, string?>
        {
            ["Rally:Signing:Key"] = "a-new-signing-key-after-rotation-0123456789",
            ["Rally:Signing:PreviousPublicKeys:0"] = oldKey.ToJsonString(),
        });
        var published = await (await rotated.CreateClient(null).GetAsync("/.well-known/jwks.json")).ShouldBeAsync(HttpStatusCode.OK);
        var keys = published["keys"]!.AsArray();
        Assert.Equal(2, keys.Count);
        Assert.NotEqual((string?)oldKey["kid"], (string?)keys[0]!["kid"]);
        Assert.Equal(oldKey.ToJsonString(), keys[1]!.ToJsonString());
        var after = await (await rotated.CreateClient(participant.Token).GetAsync($"/v1/me/deletions/{before["deletionId"]}")).ShouldBeAsync(HttpStatusCode.OK);

        var onRotated = await VerifyAsync(rotated, (string)before["receipt"]!, (string)after["receipt"]!);
        var onOld = await VerifyAsync(fixture.Factory, (string)after["receipt"]!);

        Assert.All(onRotated, r => Assert.True((bool?)r!["ok"], r!.ToJsonString()));
        Assert.Equal((string?)oldKey["kid"], (string?)onRotated[0]!["header"]!["kid"]);
        Assert.Equal((string?)keys[0]!["kid"], (string?)onRotated[1]!["header"]!["kid"]);
        // The new key is not the old front's: what it signs does not verify there.
        Assert.False((bool?)Assert.Single(onOld)!["ok"]);
    }

    [Fact]
    public async Task The_key_set_is_public_cacheable_and_holds_only_canonical_public_members()
    {
        var response = await _api.Anonymous.GetAsync("/.well-known/jwks.json");
        var keys = await response.ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        var key = Assert.Single(keys["keys"]!.AsArray())!.AsObject();
        Assert.Equal(["kty", "crv", "x", "y", "kid", "use", "alg"], key.Select(m => m.Key).ToArray());
        Assert.All(key, m => Assert.NotNull(m.Value));
        Assert.Equal("EC", (string?)key["kty"]);
        Assert.Equal("P-256", (string?)key["crv"]);
        Assert.Equal("sig", (string?)key["use"]);
        Assert.Equal("ES256", (string?)key["alg"]);
        Assert.Equal(StudyKeyPair.Thumbprint((string)key["x"]!, (string)key["y"]!), (string?)key["kid"]);
    }

    /// <summary>A participant whose one-event enrollment in an open study was deleted, and the completed deletion's answer.</summary>
    private static async Task<(TestParticipant Participant, JsonObject Deletion)> CompletedDeletionAsync(RallyApi api)
    {
        using var study = await IngestionScenario.StartAsync(api);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(1);
        var left = await (await study.Participant.Client.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        return (study.Participant, await RallyApi.DeletionWhenAsync(study.Participant.Client, (string)left["deletionId"]!, "completed"));
    }

    /// <summary>What <c>verify.mjs</c> says of each receipt, checked against <paramref name="front"/>'s served key set.</summary>
    private static async Task<JsonNode[]> VerifyAsync(RallyApiFactory front, params string[] receipts)
    {
        var jwks = new Uri(front.CreateClient(null).BaseAddress!, "/.well-known/jwks.json");
        var output = await ProcessRunner.RunAsync("node", ["verify.mjs", jwks.ToString(), .. receipts], TimeSpan.FromMinutes(1), workingDirectory: Scripts);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!)];
    }
}
