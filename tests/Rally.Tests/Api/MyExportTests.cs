using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>
/// A participant's own export (<c>GET /v1/me/export</c>): everything held about it after a journey, the reads of its
/// studies' data while they may have held its own (never who read), and nothing of anyone else.
/// </summary>
public abstract class MyExportCases : RallyCases
{
    private static readonly JsonObject Profile = new() { ["ageRange"] = "35-44", ["gender"] = "female", ["zipCode"] = "02139" };

    [Fact]
    public async Task The_export_holds_the_profile_enrollments_deletions_with_receipts_notices_and_when_each_study_was_read()
    {
        using var kept = new StudyKeyPair();
        var (keptStudy, keptPartner) = await Api.EnrollingStudyAsync(RallyApi.StudyCard(key: kept));
        var (leftStudy, leftPartner) = await Api.EnrollingStudyAsync();
        // Read before the participant enrolled: its data cannot have been in it.
        await ExportCountAsync(keptPartner, keptStudy);

        var participant = await Api.JoinAsync();
        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", Profile)).ShouldBeAsync(HttpStatusCode.OK);
        await (await RallyApi.EnrollAsync(participant, keptStudy, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        await (await RallyApi.EnrollAsync(participant, leftStudy)).ShouldBeAsync(HttpStatusCode.Created);
        var events = new[] { Event(kept), Event(kept) };
        await (await participant.Client.PostAsJsonAsync($"/v1/studies/{keptStudy}/events", new JsonObject { ["events"] = new JsonArray([.. events]) }))
            .ShouldBeAsync(HttpStatusCode.Accepted);
        await Eventually.HoldsAsync(async () => await ExportCountAsync(keptPartner, keptStudy) == 2, "the events to be stored", []);

        // The left study is read while it holds the participant's data, then again after its deletion completed.
        Assert.Equal(0, await ExportCountAsync(leftPartner, leftStudy));
        var left = await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{leftStudy}")).ShouldBeAsync(HttpStatusCode.OK);
        var deletionId = (string)left["deletionId"]!;
        var completed = await RallyApi.DeletionWhenAsync(participant.Client, deletionId, "completed");
        await ExportCountAsync(leftPartner, leftStudy);

        var export = await (await participant.Client.GetAsync("/v1/me/export")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(participant.Id.ToString(), (string?)export["participantId"]);
        Assert.Equal("active", (string?)export["status"]);
        Assert.Equal("1.0", (string?)export["platformConsentVersion"]);
        Assert.NotNull(export["joinedAt"]);
        Assert.NotNull(export["eligibilityAttestedAt"]);
        Assert.Equal("02139", (string?)export["profile"]!["zipCode"]);
        Assert.Equal("35-44", (string?)export["profile"]!["ageRange"]);

        var enrollment = Assert.Single(export["enrollments"]!.AsArray())!;
        Assert.Equal(keptStudy, (string?)enrollment["studyId"]);
        Assert.Equal("1", (string?)enrollment["consentVersion"]);
        Assert.True((bool?)enrollment["shareDemographics"]);
        Assert.NotNull(enrollment["enrolledAt"]);

        var deletion = Assert.Single(export["deletions"]!.AsArray())!;
        Assert.Equal(deletionId, (string?)deletion["deletionId"]);
        Assert.Equal(leftStudy, (string?)deletion["studyId"]);
        Assert.Equal("completed", (string?)deletion["status"]);
        Assert.Equal("deleted", (string?)deletion["dataDeletion"]);
        Assert.Equal(0L, (long?)deletion["deletedEvents"]);
        Assert.Equal((string?)completed["completedAt"], (string?)deletion["completedAt"]);
        var claims = await Receipts.VerifyAsync(Api.Anonymous, (string)deletion["receipt"]!);
        Assert.Equal(deletionId, (string?)claims["deletionId"]);
        Assert.Equal(leftStudy, (string?)claims["studyId"]);
        Assert.Equal("completed", (string?)claims["status"]);
        Assert.Equal(0L, (long?)claims["deletedEvents"]);

        var notice = Assert.Single(export["notices"]!.AsArray(), n => (string?)n!["kind"] == "data-deleted")!;
        Assert.Equal(leftStudy, (string?)notice["studyId"]);

        var reads = export["dataReads"]!.AsArray().ToDictionary(s => (string)s!["studyId"]!, s => s!["reads"]!.AsArray());
        Assert.Equal(new[] { keptStudy, leftStudy }.Order(StringComparer.Ordinal), reads.Keys.Order(StringComparer.Ordinal));
        // Only reads made since the participant enrolled; the one that got both events is among them.
        Assert.All(reads[keptStudy], r => Assert.Equal("events", (string?)r!["kind"]));
        Assert.Contains(reads[keptStudy], r => (long?)r!["count"] == 2);
        Assert.All(reads[keptStudy], r => Assert.True(DateTimeOffset.Parse((string)r!["at"]!, System.Globalization.CultureInfo.InvariantCulture)
            >= DateTimeOffset.Parse((string)enrollment["enrolledAt"]!, System.Globalization.CultureInfo.InvariantCulture)));
        // The left study: the one read while it held the participant's data; not the one after its deletion completed.
        var read = Assert.Single(reads[leftStudy])!;
        Assert.Equal("events", (string?)read["kind"]);
        Assert.Equal(0L, (long?)read["count"]);
        Assert.Equal(["at", "kind", "count"], read.AsObject().Select(p => p.Key).ToArray());

        // Who read is never shown.
        var text = export.ToJsonString();
        Assert.DoesNotContain(keptPartner.ResearcherId.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(leftPartner.ResearcherId.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain("researcher", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Another_participants_data_is_never_in_the_export()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        var other = study.Participant;
        await (await other.Client.PutAsJsonAsync("/v1/me/profile", new JsonObject { ["zipCode"] = "99501" })).ShouldBeAsync(HttpStatusCode.OK);
        var theirs = (string)(await (await other.Client.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK))["deletionId"]!;
        var me = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(me, study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);

        var export = await (await me.Client.GetAsync("/v1/me/export")).ShouldBeAsync(HttpStatusCode.OK);

        var text = export.ToJsonString();
        Assert.Equal(me.Id.ToString(), (string?)export["participantId"]);
        Assert.DoesNotContain(other.Id.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(me.Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("99501", text, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs, text, StringComparison.Ordinal);
        Assert.Null(export["profile"]);
        Assert.Empty(export["deletions"]!.AsArray());
        Assert.Equal(study.StudyId, (string?)Assert.Single(export["dataReads"]!.AsArray())!["studyId"]);
    }

    [Fact]
    public async Task Without_a_live_token_there_is_no_export()
    {
        await (await Api.Anonymous.GetAsync("/v1/me/export")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var participant = await Api.JoinAsync();
        await (await participant.Client.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        await (await participant.Client.GetAsync("/v1/me/export")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static JsonObject Event(StudyKeyPair key) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["type"] = "search",
        ["collectedAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
        ["privateWindow"] = false,
        ["payload"] = key.Encrypt("""{"query":"weather"}"""),
    };

    /// <summary>How many events the researcher's export of the study got (each export is one read on the audit log).</summary>
    private static async Task<int> ExportCountAsync(TestPartner partner, string studyId)
    {
        var response = await partner.Researcher.GetAsync($"/v1/studies/{studyId}/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}

[Collection(ApiCollection.Name)]
public sealed class MyExportTests(ApiFixture fixture) : MyExportCases
{
    protected override Task<RallyApi> ConnectAsync() => Task.FromResult(new RallyApi(fixture));
}

[Collection(PostgresCollection.Name)]
public sealed class MyExportOnPostgresTests(PostgresServer postgres, PostgresApiFixture fixture) : MyExportCases, IClassFixture<PostgresApiFixture>
{
    protected override Task<RallyApi> ConnectAsync() => fixture.ConnectAsync(postgres);
}

/// <summary>Checks a deletion receipt with .NET alone against the served key set (the JOSE interop test uses jose).</summary>
internal static class Receipts
{
    public static async Task<JsonObject> VerifyAsync(HttpClient anonymous, string receipt)
    {
        var jwks = await (await anonymous.GetAsync("/.well-known/jwks.json")).ShouldBeAsync(HttpStatusCode.OK);
        var parts = receipt.Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!;
        Assert.Equal("ES256", (string?)header["alg"]);
        Assert.Equal("rally-deletion-receipt+jwt", (string?)header["typ"]);
        var key = jwks["keys"]!.AsArray().Single(k => (string?)k!["kid"] == (string?)header["kid"])!;
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars((string)key["x"]!), Y = Base64Url.DecodeFromChars((string)key["y"]!) },
        });
        Assert.True(ecdsa.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256),
            "the receipt's signature does not verify");
        return JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
    }
}
