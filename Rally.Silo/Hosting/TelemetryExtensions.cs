using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Rally.Silo.Configuration;

namespace Rally.Silo.Hosting;

/// <summary>
/// OpenTelemetry metrics and traces of ASP.NET Core, Orleans, Npgsql and Rally's own meters, exported over OTLP when
/// configured. Spans leave without the grain ids Orleans tags them with (<see cref="GrainIdTagDropper"/>).
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Every meter Rally itself defines starts with this (<c>Rally.Ingestion</c>, <c>Rally.Sinks</c>, <c>Rally.Streams</c>, …).</summary>
    public const string RallyMeters = "Rally.*";

    /// <summary>True when <see cref="TelemetryOptions.OtlpEndpoint"/> is set.</summary>
    public static bool IsTelemetryEnabled(this IConfiguration configuration) =>
        configuration.GetRallyOptions<TelemetryOptions>(TelemetryOptions.Section).OtlpEndpoint is not null;

    public static IServiceCollection AddRallyTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var options = configuration.GetRallyOptions<TelemetryOptions>(TelemetryOptions.Section);
        if (options.OtlpEndpoint is null)
        {
            return services;
        }

        void Exporter(OtlpExporterOptions otlp, string signal)
        {
            otlp.Protocol = options.OtlpProtocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
            otlp.Endpoint = options.OtlpProtocol == OtlpProtocol.Grpc
                ? options.OtlpEndpoint
                : new Uri(options.OtlpEndpoint, signal);
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName + "/" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddMeter(RallyMeters, "Microsoft.Orleans", "Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter((otlp, reader) =>
                {
                    Exporter(otlp, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.MetricExportInterval.TotalMilliseconds;
                }))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation(o => o.RecordException = false)
                .AddNpgsql()
                // Before the exporter, so no span leaves with a grain id (participant grains are keyed by the participant).
                .AddProcessor(new GrainIdTagDropper())
                .AddOtlpExporter(otlp => Exporter(otlp, "v1/traces")));
        return services;
    }
}
