namespace Rally.Grains.Panel;

/// <summary>The keys of the panel grains: every active participant, or the participants enrolled in one study.</summary>
public static class PanelPopulations
{
    /// <summary>Everyone who joined Rally and has not left it.</summary>
    public const string Rally = "rally";

    /// <summary>The participants currently enrolled in <paramref name="studyId"/> (study ids never read <c>rally</c>).</summary>
    public static string Study(string studyId) => studyId;

    /// <summary>The study of a population key; null for <see cref="Rally"/>.</summary>
    public static string? StudyOf(string population) => population == Rally ? null : population;
}
