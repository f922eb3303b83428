using Rally.Grains.Panel;
using Rally.Grains.Participants.Demographics;

namespace Rally.Api.Panel;

/// <summary>A published count: <c>count</c> null and <c>suppressed</c> true when it is withheld.</summary>
public sealed record PanelCountResponse(long? Count, bool Suppressed)
{
    public static PanelCountResponse From(PanelCell cell) => new(cell?.Count, cell?.Suppressed ?? true);
}

public sealed record PanelAnswerResponse(string Answer, long? Count, bool Suppressed);

/// <summary>One single-answer question: the count per answer, and of those who did not answer it (or have no profile).</summary>
public sealed record PanelQuestionResponse(PanelQuestion Question, PanelAnswerResponse[] Answers, PanelCountResponse NotAnswered);

/// <summary>One race code: who chose it (<c>yes</c>), who answered the question without choosing it (<c>no</c>).</summary>
public sealed record PanelRaceResponse(Race Race, PanelCountResponse Yes, PanelCountResponse No);

/// <summary>The races question: a yes/no table per code; <c>notAnswered</c> is common to every code.</summary>
public sealed record PanelRacesResponse(PanelRaceResponse[] Codes, PanelCountResponse NotAnswered);

/// <summary>A cell of the cross-tabulation: the answer to the first and the second question (null: not answered).</summary>
public sealed record PanelCrossCellResponse(string? First, string? Second, long? Count, bool Suppressed);

/// <summary>Two questions cross-tabulated; its margins are the two questions' own tables in <c>questions</c>.</summary>
public sealed record PanelCrossTabResponse(PanelQuestion First, PanelQuestion Second, PanelCrossCellResponse[] Cells);

/// <summary>The k-anonymous panel: who takes part, by the answers of the demographic profile.</summary>
public sealed record PanelRepresentationResponse(
    string? StudyId,
    int K,
    PanelCountResponse Total,
    PanelQuestionResponse[] Questions,
    PanelRacesResponse Races,
    PanelCrossTabResponse? CrossTab)
{
    public static PanelRepresentationResponse From(PanelRepresentation figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return new(
            figures.StudyId,
            figures.MinCellSize,
            PanelCountResponse.From(figures.Total),
            [.. figures.Questions.Select(q => new PanelQuestionResponse(
                q.Question, [.. q.Answers.Select(a => new PanelAnswerResponse(a.Answer, a.Cell.Count, a.Cell.Suppressed))], PanelCountResponse.From(q.NotAnswered)))],
            new PanelRacesResponse(
                [.. figures.Races.Codes.Select(r => new PanelRaceResponse(r.Race, PanelCountResponse.From(r.Yes), PanelCountResponse.From(r.No)))],
                PanelCountResponse.From(figures.Races.NotAnswered)),
            figures.CrossTab is { } cross
                ? new PanelCrossTabResponse(cross.First, cross.Second, [.. cross.Cells.Select(c => new PanelCrossCellResponse(c.First, c.Second, c.Cell.Count, c.Cell.Suppressed))])
                : null);
    }
}
