using System.Text.Json;
using System.Text.Json.Serialization;
using Rally.Grains.Audit;

namespace Rally.Api.Ingestion;

/// <summary>One event as the add-on sends it: <c>payload</c> is a compact JWE encrypted in the browser.</summary>
public sealed record EventBody(Guid Id, string Type, DateTimeOffset CollectedAt, bool PrivateWindow, string Payload);

public sealed record UploadRequest(EventBody[] Events);

/// <summary>How many events of the upload were queued, and how many were duplicates (repeated in the batch, or sent lately).</summary>
public sealed record UploadResponse(int Accepted, int Duplicates);

/// <summary>One NDJSON line of an export.</summary>
public sealed record ExportedEvent(
    Guid Id,
    string Participant,
    string Type,
    DateTimeOffset CollectedAt,
    DateTimeOffset ReceivedAt,
    string Payload,
    string Cursor);

public sealed record StatsResponse(int Enrolled, IReadOnlyDictionary<string, long> EventsByType, IReadOnlyDictionary<string, long> EventsByDay);

/// <summary>One read of a study's data: <c>kind</c> <c>events</c> (an export) or <c>demographics</c> (<c>events</c> then counts profiles).</summary>
public sealed record AuditEntryResponse(Guid ResearcherId, DateTimeOffset At, string After, long Events, bool Completed, string Kind)
{
    public static AuditEntryResponse From(ExportRecord r) =>
        new(r.ResearcherId, r.At, r.After, r.Events, r.Completed, r.Kind);
}

[JsonSerializable(typeof(ExportedEvent))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class ExportJsonContext : JsonSerializerContext;
