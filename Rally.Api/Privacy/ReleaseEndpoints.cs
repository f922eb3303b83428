using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Problems;
using Rally.Api.RateLimits;
using Rally.Api.Studies;
using Rally.Grains.Privacy;

namespace Rally.Api.Privacy;

public static class ReleaseEndpoints
{
    public static IEndpointRouteBuilder MapReleaseEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var study = endpoints.MapStudyRoutes().WithTags(ApiTags.StudyData);
        study.MapPost("/releases", PublishAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy)
            .LimitedAs(RateLimited.Exports)
            .WithName("publishStudyRelease")
            .Refuses(ProblemTypes.InvalidRequest, ProblemTypes.InvalidTransition, ProblemTypes.PrivacyBudgetExhausted, ProblemTypes.LimitReached)
            .WithSummary("Publish a differentially private release of a study's figures")
            .WithDescription("""
                The study's own researchers and operators; another partner's study answers `404 not-found`. Publishes,
                for anyone to read, the study's figures with noise that makes them ε-differentially private for each
                participant (δ = 0): `enrolled`, `eventsByType` (every declared type) and `eventsByDay` (every UTC day
                from the launch to today, or to the end once ended), empty cells included.

                `epsilon` (0.01 to 10, at most 6 decimals) is what the release spends of the study's privacy budget,
                `Rally:Privacy:StudyBudget` (default 3.0) in all over the study's life: a release that would pass it is
                `409 privacy-budget-exhausted`, and nothing is released. `eventsPerParticipant` (1 to 10 000, default
                100) bounds what one participant can weigh: only each participant's earliest that many events are
                counted. Choose it without looking at the data: like ε, it is published with the release.

                ε is split 0.2 / 0.4 / 0.4 across `enrolled`, `eventsByType` and `eventsByDay`; each count gets discrete
                Laplace noise of scale sensitivity/ε (sensitivity 1 for `enrolled`, `eventsPerParticipant` for the event
                figures), drawn exactly from a cryptographic source. Counts may come out negative: that is the noise,
                left unbiased. The budget is charged before the data is read, so a failure may spend ε without
                releasing. `400 invalid-request` for a bad `epsilon` or `eventsPerParticipant`; `409 invalid-transition`
                for a draft, or once the analysis completed and the raw data was deleted (earlier releases stay
                published); `409 limit-reached` after 100 releases.
                """);
        study.MapGet("/releases", ListAsync).AllowAnonymous().SeenBy(StudyAccess.Published)
            .WithName("listStudyReleases")
            .Refuses(ProblemTypes.InvalidRequest)
            .WithSummary("List a study's differentially private releases")
            .WithDescription("""
                Anyone may read the releases of a launched study, newest first, each with its mechanism, `epsilon`,
                `delta`, the noise of each figure, the contribution bound and the domain (a draft answers `404 not-found`
                but to its partner's researchers and operators). Releases stay published after the study's raw data is
                deleted.

                Read a page at a time: `limit` releases (default 100, at most 1000), from the newest or `after` the
                `number` of the last release read. While more follow, the answer carries a `Link` header with the next
                page's address (`rel="next"`). A `limit` out of range or an `after` that is not a whole number is
                `400 invalid-request`.
                """);
        return endpoints;
    }

    public static async Task<Created<ReleaseResponse>> PublishAsync(string studyId, ReleaseRequest request, IGrainFactory grains)
    {
        // One id per request: a resent grain call charges and publishes once.
        var release = await grains.GetGrain<IStudyReleasesGrain>(studyId)
            .PublishAsync(new ReleaseCommand(Guid.NewGuid(), request.Epsilon, request.EventsPerParticipant ?? ReleaseRequest.DefaultEventsPerParticipant));
        return TypedResults.Created($"/v1/studies/{Uri.EscapeDataString(studyId)}/releases", ReleaseResponse.From(studyId, release));
    }

    public static async Task<Results<Ok<ReleaseResponse[]>, ProblemHttpResult>> ListAsync(
        string studyId, string? after, int? limit, IGrainFactory grains, HttpResponse response)
    {
        if (!Paging.TryLimit(limit, out var size, out var problem))
        {
            return problem!;
        }
        int? before = null;
        if (after is not null)
        {
            if (!int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return ProblemTypes.InvalidRequest.Result("after is the number of the last release read, as the next link gives it.");
            }
            before = number;
        }
        // One more than asked says whether a next page exists.
        var releases = await grains.GetGrain<IStudyReleasesGrain>(studyId).ListPageAsync(before, size + 1);
        var page = releases.Take(size).ToArray();
        if (releases.Length > size)
        {
            response.Headers.Link = $"</v1/studies/{Uri.EscapeDataString(studyId)}/releases?after={page[^1].Number}&limit={size}>; rel=\"next\"";
        }
        return TypedResults.Ok(page.Select(r => ReleaseResponse.From(studyId, r)).ToArray());
    }
}
