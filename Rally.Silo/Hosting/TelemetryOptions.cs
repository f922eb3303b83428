using System.ComponentModel.DataAnnotations;

namespace Rally.Silo.Hosting;

/// <summary>
/// OpenTelemetry export, bound from <c>Rally:Telemetry</c>. Off by default: nothing is collected or sent until
/// <see cref="OtlpEndpoint"/> is set (the standard <c>OTEL_EXPORTER_OTLP_*</c> variables then apply as well).
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "Rally:Telemetry";

    /// <summary>Where an OTLP collector listens, e.g. <c>http://collector:4317</c>. Default none: telemetry off.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (default, port 4317) or <c>HttpProtobuf</c> (port 4318; the signal's path is appended).</summary>
    public OtlpProtocol OtlpProtocol { get; set; } = OtlpProtocol.Grpc;

    /// <summary>How often metrics are exported. Default 15 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MetricExportInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The share of requests traced, 0–1. Default 1 (every trace the caller or the parent asks for is kept).</summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 1.0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OtlpEndpoint is { } endpoint && !(endpoint.IsAbsoluteUri && endpoint.Scheme is "http" or "https"))
        {
            yield return new ValidationResult("expected an absolute http or https URL, e.g. http://collector:4317", [nameof(OtlpEndpoint)]);
        }
    }
}

public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}
