using System.Security.Claims;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Participants;
using Rally.Api.RateLimits;
using Rally.Api.Studies;
using Rally.Grains.Audit;
using Rally.Grains.Demographics;

namespace Rally.Api.Demographics;

public static class DemographicsEndpoints
{
    /// <summary>Profiles asked of the study's copy at a time.</summary>
    private const int PageSize = 1000;

    public static IEndpointRouteBuilder MapDemographicsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var study = endpoints.MapStudyRoutes().WithTags(ApiTags.StudyData);
        study.MapGet("/demographics", ReadAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy)
            .Produces<DemographicsLine>(StatusCodes.Status200OK, "application/x-ndjson")
            .LimitedAs(RateLimited.Exports)
            .WithName("readStudyDemographics")
            .WithSummary("Read the profiles shared with a study as NDJSON")
            .WithDescription("""
                The study's own researchers, and operators; another partner's study answers `404 not-found`. Streams
                `application/x-ndjson`, one line per participant who chose to share its demographic profile with this
                study (`shareDemographics`, at enrollment or with `PATCH /v1/me/enrollments/{studyId}`):
                `{ "pseudonym": …, "profile": { …answers… } }`. `pseudonym` is the one that participant's events carry in
                the study's export (never the platform-wide id), so profiles and events can be joined; `profile` holds the
                survey's answers as `GET /v1/me/profile` gives them, `null` for an answer left out.

                Only current choices are read: a participant who does not share, stopped sharing, deleted its profile,
                left the study or left Rally is absent, and a changed profile reads as changed. Participants with no
                profile are absent too. Once the study's analysis has completed the profiles are deleted with the raw
                data, and the body is empty. Lines come in pseudonym order.

                Every read, including one broken off, is recorded in the study's audit log (`kind: demographics`, with
                the number of profiles read), as exports are.
                """);
        return endpoints;
    }

    public static PushStreamHttpResult ReadAsync(
        string studyId, ClaimsPrincipal user, IGrainFactory grains, IOptions<JsonOptions> json, TimeProvider clock)
    {
        // Operators have no subject: their reads are on record as Guid.Empty.
        var readerId = user.IsOperator() ? Guid.Empty : user.GetSubjectId();
        var type = (JsonTypeInfo<DemographicsLine>)json.Value.SerializerOptions.GetTypeInfo(typeof(DemographicsLine));
        return AuditedNdjson.Stream(LinesAsync(grains.GetGrain<IStudyDemographicsGrain>(studyId)), type, grains, studyId,
            (sent, completed) => new ExportRecord(readerId, clock.GetUtcNow(), "", sent, completed, ExportKinds.Demographics));
    }

    /// <summary>The shared profiles, asked of the study's copy a page at a time, in pseudonym order.</summary>
    private static async IAsyncEnumerable<DemographicsLine> LinesAsync(IStudyDemographicsGrain demographics)
    {
        string? after = null;
        while (true)
        {
            var page = await demographics.ListPageAsync(after, PageSize);
            foreach (var shared in page)
            {
                yield return new DemographicsLine(shared.Pseudonym, ProfileBody.From(shared.Profile));
            }
            if (page.Length < PageSize)
            {
                yield break;
            }
            after = page[^1].Pseudonym;
        }
    }
}
