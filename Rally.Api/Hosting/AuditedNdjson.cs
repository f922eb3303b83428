using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Grains.Audit;

namespace Rally.Api.Hosting;

/// <summary>
/// A read of a study's data streamed as NDJSON (one JSON value a line), put on the study's audit record however it
/// ends: the events export and the demographics read share it.
/// </summary>
internal static class AuditedNdjson
{
    /// <summary>Lines are serialized into a buffer and written out asynchronously, this many bytes at a time.</summary>
    private const int FlushBytes = 32 * 1024;

    /// <param name="record">The audit entry, from how many lines were sent and whether the stream completed.</param>
    public static PushStreamHttpResult Stream<T>(
        IAsyncEnumerable<T> lines, JsonTypeInfo<T> type, IGrainFactory grains, string studyId, Func<long, bool, ExportRecord> record) =>
        TypedResults.Stream(async body =>
        {
            long sent = 0;
            var completed = false;
            try
            {
                var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
                await using var writer = new Utf8JsonWriter(buffer);
                await foreach (var line in lines)
                {
                    JsonSerializer.Serialize(writer, line, type);
                    writer.Flush();
                    writer.Reset();
                    buffer.Write("\n"u8);
                    sent++;
                    if (buffer.WrittenCount >= FlushBytes)
                    {
                        await body.WriteAsync(buffer.WrittenMemory);
                        buffer.ResetWrittenCount();
                    }
                }
                await body.WriteAsync(buffer.WrittenMemory);
                completed = true;
            }
            finally
            {
                // Every read of study data is on record, including one the reader broke off.
                await grains.GetGrain<IStudyAuditGrain>(studyId).RecordExportAsync(record(sent, completed));
            }
        }, "application/x-ndjson");
}
