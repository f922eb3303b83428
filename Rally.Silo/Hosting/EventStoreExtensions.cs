using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Rally.Grains.Ingestion;
using Rally.Silo.EventStore;

namespace Rally.Silo.Hosting;

public static class EventStoreExtensions
{
    /// <summary>The studies' event store: PostgreSQL when a connection string is set, this process's memory otherwise.</summary>
    public static IServiceCollection AddRallyEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        if (RallyDatabase.GetConnectionString(configuration) is { } connectionString)
        {
            services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            services.TryAddSingleton<IStudyEventStore, PostgresStudyEventStore>();
        }
        else
        {
            services.TryAddSingleton<IStudyEventStore, MemoryStudyEventStore>();
        }
        return services;
    }

    /// <summary>The silo's study sinks: the event store and the group commit in front of it (<see cref="StudySinkOptions"/>).</summary>
    public static IServiceCollection AddRallySinks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRallyEventStore(configuration);
        services.AddMetrics();
        services.AddOptions<StudySinkOptions>()
            .Bind(configuration.GetSection(StudySinkOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<StudyEventWriter>();
        return services;
    }
}
