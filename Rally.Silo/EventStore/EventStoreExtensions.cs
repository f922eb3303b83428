using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Rally.Grains.Ingestion;
using Rally.Silo.Configuration;
using Rally.Silo.Hosting;
using Rally.Silo.Streams;

namespace Rally.Silo.EventStore;

public static class EventStoreExtensions
{
    /// <summary>
    /// The studies' event store: PostgreSQL or this process's memory, as <see cref="RallyStorage"/> says; with PostgreSQL
    /// also the <see cref="DeadLetterPurge"/> of the stream's dead letters (memory streams keep none).
    /// </summary>
    public static IServiceCollection AddRallyEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = RallyStorage.Of(services, configuration);
        if (storage.IsPostgres)
        {
            services.TryAddSingleton(_ => NpgsqlDataSource.Create(storage.ConnectionString));
            services.TryAddSingleton<IStudyEventStore, PostgresStudyEventStore>();
            // The stream's dead letters hold uploads too: this removes a participant's or a study's from them.
            services.TryAddSingleton<DeadLetterPurge>();
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
        services.AddRallyOptions<StudySinkOptions>(configuration, StudySinkOptions.Section);
        services.TryAddSingleton<StudyEventWriter>();
        return services;
    }
}
