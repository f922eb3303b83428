using Rally.Grains.Participants.Demographics;

namespace Rally.Grains.Panel;

/// <summary>One published count: null, with <see cref="Suppressed"/>, when it is below k or would reveal one that is.</summary>
[GenerateSerializer, Immutable, Alias("rally.panel-cell")]
public sealed record PanelCell([property: Id(0)] long? Count, [property: Id(1)] bool Suppressed)
{
    public static PanelCell Hidden { get; } = new(null, true);
}

/// <summary>How many gave one answer.</summary>
[GenerateSerializer, Immutable, Alias("rally.panel-answer")]
public sealed record PanelAnswer([property: Id(0)] string Answer, [property: Id(1)] PanelCell Cell);

/// <summary>A single-answer question: each answer, and those who did not answer (or have no profile).</summary>
[GenerateSerializer, Immutable, Alias("rally.panel-question-table")]
public sealed record PanelQuestionTable(
    [property: Id(0)] PanelQuestion Question, [property: Id(1)] PanelAnswer[] Answers, [property: Id(2)] PanelCell NotAnswered);

/// <summary>One race code: how many chose it, and how many answered the question without choosing it.</summary>
[GenerateSerializer, Immutable, Alias("rally.panel-race-table")]
public sealed record PanelRaceTable([property: Id(0)] Race Race, [property: Id(1)] PanelCell Yes, [property: Id(2)] PanelCell No);

/// <summary>The races question: a yes/no table per code, and one "not answered" common to all.</summary>
[GenerateSerializer, Immutable, Alias("rally.panel-races")]
public sealed record PanelRaces([property: Id(0)] PanelRaceTable[] Codes, [property: Id(1)] PanelCell NotAnswered);

/// <summary>A cell of a cross-tabulation: the answers to the first and second question (null: not answered).</summary>
[GenerateSerializer, Immutable, Alias("rally.panel-cross-cell")]
public sealed record PanelCrossCell([property: Id(0)] string? First, [property: Id(1)] string? Second, [property: Id(2)] PanelCell Cell);

/// <summary>Two questions cross-tabulated; its margins are the two questions' own tables.</summary>
[GenerateSerializer, Immutable, Alias("rally.panel-cross-tab")]
public sealed record PanelCrossTab([property: Id(0)] PanelQuestion First, [property: Id(1)] PanelQuestion Second, [property: Id(2)] PanelCrossCell[] Cells);

/// <summary>
/// The panel's demographic figures for one population (every active participant, or one study's enrolled), with
/// every count below <see cref="MinCellSize"/> suppressed, and enough others that none can be worked out.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.panel-representation")]
public sealed record PanelRepresentation(
    [property: Id(0)] string? StudyId,
    [property: Id(1)] int MinCellSize,
    [property: Id(2)] PanelCell Total,
    [property: Id(3)] PanelQuestionTable[] Questions,
    [property: Id(4)] PanelRaces Races,
    [property: Id(5)] PanelCrossTab? CrossTab);
