using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Problems;
using Rally.Api.Studies;
using Rally.Grains.Panel;
using Rally.Grains.Studies;

namespace Rally.Api.Panel;

public static class PanelEndpoints
{
    public static IEndpointRouteBuilder MapPanelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var panel = endpoints.MapGroup("/v1/panel").WithTags(ApiTags.Panel).RequireAuthorization(RallyAuth.OperatorPolicy);
        panel.MapGet("/representation", RepresentationAsync)
            .WithName("getPanelRepresentation")
            .Refuses(ProblemTypes.InvalidRequest, ProblemTypes.NotFound)
            .WithSummary("Read who the panel is, k-anonymously")
            .WithDescription("""
                Operators only. How many active participants (joined, not left) gave each answer of the demographic profile:
                a table per single-answer question (`ageRange`, `gender`, `hispanicLatinxSpanishOrigin`, `schoolLevel`,
                `householdIncomeRange`, and `zipCode` by its 3-digit prefix) with `notAnswered` (a participant without a
                profile answered nothing), a yes/no table per race code with one `notAnswered`, and the `total`. Zip
                prefixes given by fewer than k are counted together as `other`. `by=first,second` adds those two questions
                cross-tabulated (cells with `first`/`second` answers, null for not answered; its margins are the two
                questions' tables). `studyId` counts the participants enrolled in that study now instead.

                Every count below k (`Rally:Privacy:MinCellSize`, default 10; echoed as `k`) is suppressed (`count: null`,
                `suppressed: true`), and so are enough other counts that no suppressed one can be worked out exactly from
                everything published for the same population: cells, "not answered", totals, the tables and the
                cross-tabulation together. The one-way tables read the same whatever `by` asks. The figures follow each
                change of a profile, enrollment or participant as it is made.

                `400 invalid-request` for a `by` that is not two different single-answer questions; `404 not-found` for
                an unknown `studyId`.
                """);
        return endpoints;
    }

    public static async Task<Results<Ok<PanelRepresentationResponse>, ProblemHttpResult>> RepresentationAsync(
        string? by, string? studyId, IGrainFactory grains, StudyIds studyIds)
    {
        PanelQuestion? first = null, second = null;
        if (by is not null)
        {
            if (ParseBy(by) is not { } pair)
            {
                return ProblemTypes.InvalidRequest.Result(
                    $"by names two different single-answer questions, e.g. ageRange,gender; they are: {string.Join(", ", AnswerNames.All<PanelQuestion>())} (got '{ProblemText.Quote(by)}').");
            }
            (first, second) = pair;
        }
        var population = PanelPopulations.Rally;
        if (studyId is not null)
        {
            if (!StudyRules.IsStudyId(studyId) || studyIds.IsForged(studyId) || await grains.GetGrain<IStudyGrain>(studyId).GetAsync() is null)
            {
                return ProblemTypes.NotFound.Result($"No study '{ProblemText.Quote(studyId)}'.");
            }
            population = PanelPopulations.Study(studyId);
        }
        var figures = await grains.GetGrain<IPanelGrain>(population).GetRepresentationAsync(first, second);
        return TypedResults.Ok(PanelRepresentationResponse.From(figures));
    }

    /// <summary>Two different questions' names, comma-separated; null otherwise.</summary>
    private static (PanelQuestion, PanelQuestion)? ParseBy(string by) =>
        by.Split(',') is [var a, var b] && AnswerNames.Parse<PanelQuestion>(a) is { } first && AnswerNames.Parse<PanelQuestion>(b) is { } second && first != second
            ? (first, second)
            : null;
}
