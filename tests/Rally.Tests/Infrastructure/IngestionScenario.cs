using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Rally.Tests.Infrastructure;

/// <summary>A study with its key pair, its partner, and an enrolled participant: ready to upload and export.</summary>
internal sealed class IngestionScenario : IDisposable
{
    private IngestionScenario(RallyApi api, StudyKeyPair key, string studyId, TestPartner partner, TestParticipant participant)
    {
        Api = api;
        Key = key;
        StudyId = studyId;
        Partner = partner;
        Participant = participant;
    }

    public RallyApi Api { get; }

    public StudyKeyPair Key { get; }

    public string StudyId { get; }

    public TestPartner Partner { get; }

    public TestParticipant Participant { get; }

    public static async Task<IngestionScenario> StartAsync(RallyApi api, bool privateBrowsing = false)
    {
        var key = new StudyKeyPair();
        var (studyId, partner) = await api.EnrollingStudyAsync(RallyApi.StudyCard(privateBrowsing: privateBrowsing, key: key));
        return await EnrollInAsync(api, key, studyId, partner, privateBrowsing);
    }

    /// <summary>A fresh participant enrolled in <paramref name="partner"/>'s enrolling study, whose key is <paramref name="key"/> (disposed with the scenario).</summary>
    public static async Task<IngestionScenario> EnrollInAsync(RallyApi api, StudyKeyPair key, string studyId, TestPartner partner, bool privateBrowsing = false)
    {
        ArgumentNullException.ThrowIfNull(api);
        var participant = await api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId, ack: privateBrowsing)).ShouldBeAsync(HttpStatusCode.Created);
        return new IngestionScenario(api, key, studyId, partner, participant);
    }

    public JsonObject Event(string type = "page-visit", bool privateWindow = false, string? payload = null, Guid? id = null) => new()
    {
        ["id"] = (id ?? Guid.NewGuid()).ToString(),
        ["type"] = type,
        ["collectedAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"),
        ["privateWindow"] = privateWindow,
        ["payload"] = payload ?? Key.Encrypt($$"""{"url":"https://example.test/{{Guid.NewGuid():N}}","seconds":42}"""),
    };

    public Task<HttpResponseMessage> UploadAsync(HttpClient client, params JsonObject[] events) =>
        client.PostAsJsonAsync($"/v1/studies/{StudyId}/events", new JsonObject { ["events"] = new JsonArray([.. events.Select(e => e.DeepClone())]) });

    public Task<HttpResponseMessage> UploadAsync(params JsonObject[] events) => UploadAsync(Participant.Client, events);

    /// <summary>The export's lines, as the researcher gets them.</summary>
    public async Task<JsonObject[]> ExportAsync(string query = "")
    {
        var response = await Partner.Researcher.GetAsync($"/v1/studies/{StudyId}/events{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject())];
    }

    /// <summary>Waits until the sink has stored <paramref name="count"/> events (the stream delivers after the 202).</summary>
    public async Task<JsonObject[]> ExportWhenStoredAsync(int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var lines = await ExportAsync();
            if (lines.Length >= count)
            {
                return lines;
            }
            await Task.Delay(50, deadline.Token);
        }
    }

    public void Dispose() => Key.Dispose();
}
