using Microsoft.Extensions.DependencyInjection.Extensions;
using Rally.Api.Ingestion;
using Rally.Silo.Configuration;

namespace Rally.Api.Studies;

public static class StudyIdExtensions
{
    /// <summary>The fronts' study-id secret (<see cref="StudyIdOptions"/>) and what uses it: <see cref="StudyIds"/>, <see cref="ExportCursors"/>.</summary>
    public static WebApplicationBuilder AddStudyIds(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRallySecret<StudyIdOptions>(builder.Configuration, StudyIdOptions.Section);
        builder.Services.TryAddSingleton<StudyIds>();
        builder.Services.TryAddSingleton<ExportCursors>();
        return builder;
    }
}
