using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Problems;
using Rally.Grains.Studies;

namespace Rally.Api.Studies;

/// <summary>
/// The one rule for every route under <c>/v1/studies/{studyId}</c>: a study the caller may not see answers exactly as a
/// missing one (<c>404 not-found</c>), so that nobody learns of another partner's studies. Each route says who may
/// see its study (<see cref="StudyAccess"/>, default <see cref="StudyAccess.Owners"/>); the study found is handed to
/// the handler (<see cref="Study"/>). An id the server cannot have made (<see cref="StudyIds.IsForged"/>) is refused
/// as a missing study before any grain is asked, so made-up ids activate nothing (on <see cref="StudyAccess.Enrolled"/>
/// routes the handler does so where it would ask for the permit).
/// </summary>
internal sealed class StudyAccessFilter(IGrainFactory grains, IAuthorizationService authorization, StudyIds studyIds) : IEndpointFilter
{
    public const string RouteValue = "studyId";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var studyId = http.GetRouteValue(RouteValue) as string ?? "";
        if (!StudyRules.IsStudyId(studyId))
        {
            return NoSuchStudy(studyId);
        }
        var access = http.GetEndpoint()?.Metadata.GetMetadata<StudyAccessMetadata>()?.Access ?? StudyAccess.Owners;
        if (access == StudyAccess.Enrolled)
        {
            return await next(context);
        }
        if (studyIds.IsForged(studyId))
        {
            return NoSuchStudy(studyId);
        }
        var study = await grains.GetGrain<IStudyGrain>(studyId).GetAsync();
        if (study is null || !await MaySeeAsync(http, study, access))
        {
            return NoSuchStudy(studyId);
        }
        http.Items[typeof(StudyView)] = study;
        return await next(context);
    }

    /// <summary>The study <paramref name="studyId"/> as the filter let it through (on routes other than <see cref="StudyAccess.Enrolled"/>).</summary>
    public static StudyView Study(HttpContext http, string studyId)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items[typeof(StudyView)] is StudyView study && study.StudyId == studyId
            ? study
            : throw new InvalidOperationException($"Study '{studyId}' was not checked on this route: map it with MapStudyRoutes.");
    }

    private static ProblemHttpResult NoSuchStudy(string studyId) =>
        ProblemTypes.NotFound.Result($"No study '{ProblemText.Quote(studyId)}'.");

    private async Task<bool> MaySeeAsync(HttpContext http, StudyView study, StudyAccess access) =>
        (access == StudyAccess.Published && study.State != StudyLifecycle.Draft)
        || (await authorization.AuthorizeAsync(http.User, study, RallyAuth.StudyOwnerPolicy)).Succeeded;
}

/// <summary>The <see cref="StudyAccess"/> of a route.</summary>
public sealed record StudyAccessMetadata(StudyAccess Access);

public static class StudyAccessExtensions
{
    /// <summary>The routes of one study (<c>/v1/studies/{studyId}</c>), each checked by <see cref="StudyAccessFilter"/>.</summary>
    public static RouteGroupBuilder MapStudyRoutes(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/studies/{" + StudyAccessFilter.RouteValue + "}");
        group.AddEndpointFilter<StudyAccessFilter>();
        // The default rule, which a route's own SeenBy overrides (its metadata comes after the group's).
        group.SeenBy(StudyAccess.Owners);
        return group;
    }

    /// <summary>Who may see the study of this route (default <see cref="StudyAccess.Owners"/>).</summary>
    public static TBuilder SeenBy<TBuilder>(this TBuilder builder, StudyAccess access)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new StudyAccessMetadata(access));
}
