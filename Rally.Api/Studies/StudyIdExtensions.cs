using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rally.Api.Ingestion;
using Rally.Silo.Configuration;
using Rally.Silo.Hosting;

namespace Rally.Api.Studies;

public static class StudyIdExtensions
{
    /// <summary>The fronts' study-id secret (<see cref="StudyIdOptions"/>) and what uses it: <see cref="StudyIds"/>, <see cref="ExportCursors"/>.</summary>
    public static WebApplicationBuilder AddStudyIds(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var storage = RallyStorage.Of(builder.Services, builder.Configuration);
        builder.Services.AddRallyOptions<StudyIdOptions>(builder.Configuration, StudyIdOptions.Section)
            .PostConfigure(o =>
            {
                // Only a front without PostgreSQL (the embedded default), whose studies die with it, may make up its key.
                if (string.IsNullOrEmpty(o.Key) && !storage.IsPostgres)
                {
                    o.Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
                }
            });
        builder.Services.TryAddSingleton<StudyIds>();
        builder.Services.TryAddSingleton<ExportCursors>();
        return builder;
    }
}
