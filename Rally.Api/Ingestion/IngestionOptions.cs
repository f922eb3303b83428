using System.ComponentModel.DataAnnotations;

namespace Rally.Api.Ingestion;

/// <summary>Limits of study data uploads and exports, bound from <c>Rally:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Rally:Ingestion";

    /// <summary>The most events one upload may carry; more get 413. Default 200.</summary>
    [Range(1, 10_000)]
    public int MaxEventsPerBatch { get; set; } = 200;

    /// <summary>The largest event payload (the compact JWE, in characters); larger get 400. Default 32 768.</summary>
    [Range(256, 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// How many streams (and sinks) carry one study's data, so that a busy study is written in parallel.
    /// Raising it is safe at any time; lowering it too (streams left idle simply stop). Default 4.
    /// </summary>
    [Range(1, 64)]
    public int StreamsPerStudy { get; set; } = 4;

    /// <summary>The most events one export request returns (<c>limit</c>); resume with <c>after</c>. Default 100 000.</summary>
    [Range(1, 10_000_000)]
    public int MaxExportLimit { get; set; } = 100_000;
}
