using System.Net;
using System.Text.Json.Nodes;

namespace Rally.Tests.Infrastructure;

public static class ProblemAssertions
{
    /// <summary>Asserts an RFC 9457 problem with the given status and Rally problem type; returns it.</summary>
    public static async Task<JsonObject> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal($"urn:rally:problem:{slug}", (string?)problem["type"]);
        Assert.Equal((int)status, (int?)problem["status"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), "a problem must say what was wrong");
        return problem;
    }

    public static async Task<JsonObject> ShouldBeAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// A problem as a client could tell two apart: every member but <c>traceId</c> (each request's own), with the id the
    /// request named (in <c>detail</c>, <c>instance</c>) written <c>{id}</c>.
    /// </summary>
    public static string Comparable(this JsonObject problem, string id)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var copy = problem.DeepClone().AsObject();
        copy.Remove("traceId");
        return copy.ToJsonString().Replace(id, "{id}", StringComparison.Ordinal);
    }

    public static Task<HttpResponseMessage> PostJsonTextAsync(this HttpClient client, string path, string json, string mediaType = "application/json") =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, mediaType));
}
