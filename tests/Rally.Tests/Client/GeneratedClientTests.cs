using System.Text;
using System.Text.Json.Nodes;
using Rally.Tests.Client.Generated;
using Rally.Tests.Client.Generated.Models;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Client;

/// <summary>
/// A C# client generated from the committed contract with Kiota works against a real Rally: the participant's journey
/// and a researcher's export, with refusals arriving as typed problems that carry their <c>type</c>. The committed
/// client is what the committed contract generates today.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GeneratedClientTests(ApiFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_committed_client_is_what_the_committed_contract_generates()
    {
        var output = Path.Combine(Path.GetTempPath(), $"rally-kiota-{Guid.NewGuid():N}");
        try
        {
            await ProcessRunner.RunAsync("dotnet", ["tool", "restore"], TimeSpan.FromMinutes(5), workingDirectory: RallyRepository.Root);
            await ProcessRunner.RunAsync("dotnet", [.. KiotaClient.GenerateArguments, "--output", output], TimeSpan.FromMinutes(5),
                workingDirectory: RallyRepository.Root);

            var committed = Files(Path.Combine(RallyRepository.Root, KiotaClient.Output));
            var regenerated = Files(output);
            var stale = committed.Keys.Union(regenerated.Keys)
                .Where(file => committed.GetValueOrDefault(file) != regenerated.GetValueOrDefault(file))
                .Order(StringComparer.Ordinal)
                .ToArray();
            Assert.True(stale.Length == 0,
                $"{KiotaClient.Output} is not what docs/openapi.json generates; regenerate it (docs/api.md, 'Generating a client'). Differs: {string.Join(", ", stale)}");
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_participant_joins_fills_its_profile_enrolls_uploads_and_leaves_and_its_researcher_exports_through_the_generated_client()
    {
        var anonymous = KiotaClient.For(fixture.CreateClient());
        var @operator = KiotaClient.For(fixture.CreateClient(TestSecrets.OperatorKey));
        using var key = new StudyKeyPair();

        var partner = await @operator.V1.Partners.PostAsync(new CreatePartnerRequest { Name = "Generated Lab" });
        var researcherKey = (await @operator.V1.Partners[partner!.PartnerId!.Value].Researchers.PostAsync(new CreateResearcherRequest { Name = "Dr. Kiota" }))!.Key!;
        var researcher = KiotaClient.For(fixture.CreateClient(researcherKey));
        var studyId = (await researcher.V1.Studies.PostAsync(Card(key)))!.StudyId!;
        await @operator.V1.Studies[studyId].Launch.PostAsync();

        var joined = await anonymous.V1.Participants.PostAsync(new JoinRequest { PlatformConsentVersion = "1.0", ResidesInUnitedStates = true, AgeAtLeast19 = true });
        var participant = KiotaClient.For(fixture.CreateClient(joined!.Token));
        var profile = await participant.V1.Me.Profile.PutAsync(new ProfileBody { AgeRange = AgeRange.TwoFiveThreeFour, ZipCode = "10001" });
        Assert.Equal(AgeRange.TwoFiveThreeFour, profile!.AgeRange);
        var enrollment = await participant.V1.Me.Enrollments.PostAsync(new EnrollRequest { StudyId = studyId, ConsentVersion = "1", ShareDemographics = false });
        Assert.Equal(studyId, enrollment!.StudyId);

        var refused = await Assert.ThrowsAsync<Problem>(() => participant.V1.Studies[studyId].Events.PostAsync(
            new UploadRequest { Events = [Event(key, "page-visit", "fine"), Event(key, "keystrokes", "never declared")] }));
        Assert.Equal(Problem_type.UrnRallyProblemInvalidEvent, refused.Type);
        Assert.Equal((400, 1), (refused.Status, refused.EventIndex));

        var upload = await participant.V1.Studies[studyId].Events.PostAsync(
            new UploadRequest { Events = [Event(key, "page-visit", "https://news.example/a"), Event(key, "search", "weather")] });
        Assert.Equal((2, 0), (upload!.Accepted, upload.Duplicates));

        var exported = await ExportWhenAsync(researcher, studyId, lines => lines.Length == 2);
        Assert.Equal(["https://news.example/a", "weather"], exported.Select(l => key.Decrypt((string)l["payload"]!)).Order(StringComparer.Ordinal));
        Assert.Single(exported.Select(l => (string?)l["participant"]).Distinct());

        var left = await participant.V1.Me.Enrollments[studyId].DeleteAsync();
        Assert.Equal(DataDeletion.Deleted, left!.DataDeletion);
        var deadline = DateTime.UtcNow + Patience;
        while ((await participant.V1.Me.Deletions[left.DeletionId!.Value].GetAsync())!.Status != DeletionStatus.Completed)
        {
            Assert.True(DateTime.UtcNow < deadline, "the deletion did not complete");
            await Task.Delay(20);
        }
        Assert.Empty(await ExportWhenAsync(researcher, studyId, lines => lines.Length == 0));

        var notEnrolled = await Assert.ThrowsAsync<Problem>(() => participant.V1.Studies[studyId].Events.PostAsync(
            new UploadRequest { Events = [Event(key, "page-visit", "after leaving")] }));
        Assert.Equal((Problem_type.UrnRallyProblemNotEnrolled, 404), (notEnrolled.Type, notEnrolled.Status));
    }

    private static DraftStudyRequest Card(StudyKeyPair key) => new()
    {
        Name = "Generated client study",
        Description = "A study made through the generated client.",
        DataCollected =
        [
            new DataTypeBody { Type = "page-visit", Description = "Pages visited." },
            new DataTypeBody { Type = "search", Description = "Searches made." },
        ],
        WhoHasAccess = "The Generated Lab.",
        HowDataIsUsed = "To test the client.",
        ConsentVersion = "1",
        EncryptionKey = new JwkBody { Kty = "EC", Crv = "P-256", X = key.X, Y = key.Y, Kid = key.Kid },
        AddOn = new AddOnBody { Id = "generated@rally.example", DownloadUrl = "https://addons.example/generated.xpi" },
    };

    private static EventBody Event(StudyKeyPair key, string type, string plaintext) => new()
    {
        Id = Guid.NewGuid(),
        Type = type,
        CollectedAt = DateTimeOffset.UtcNow,
        PrivateWindow = false,
        Payload = key.Encrypt(plaintext),
    };

    /// <summary>The study's NDJSON export, read again until <paramref name="done"/> holds (the sinks store uploads a moment after 202).</summary>
    private static async Task<JsonObject[]> ExportWhenAsync(RallyClient researcher, string studyId, Func<JsonObject[], bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await using var body = await researcher.V1.Studies[studyId].Events.GetAsync();
            using var reader = new StreamReader(body!, Encoding.UTF8);
            var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonNode.Parse(line)!.AsObject())
                .ToArray();
            if (done(lines))
            {
                return lines;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the export stayed at {lines.Length} lines");
            await Task.Delay(20);
        }
    }

    /// <summary>Every file of a generated client by its path under <paramref name="root"/>; the lock file without the description's location, which is relative to the output.</summary>
    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != ".kiota.log")
            .ToDictionary(
                path => Path.GetRelativePath(root, path).Replace('\\', '/'),
                path => Path.GetFileName(path) == "kiota-lock.json" ? WithoutLocation(File.ReadAllText(path)) : File.ReadAllText(path));

    private static string WithoutLocation(string lockFile)
    {
        var json = JsonNode.Parse(lockFile)!.AsObject();
        json.Remove("descriptionLocation");
        return json.ToJsonString();
    }
}
