using Rally.Grains.Participants;
using Rally.Grains.Participants.Demographics;

namespace Rally.Grains.Panel;

/// <summary>
/// One participant's answers as the panel counts them: each single-answer question by its published answer name
/// (null: not answered), the races as codes (null: not answered; empty: none chosen), the zip code by its 3-digit
/// prefix only. Stored as <see cref="Key"/>: the fields joined by <c>|</c>, races by <c>+</c> (<c>none</c> for an
/// empty list), an empty field for no answer. A participant without a profile answered nothing.
/// </summary>
internal sealed record AnswerTuple(
    string? AgeRange, string? Gender, string? Hispanic, IReadOnlyList<string>? Races, string? SchoolLevel, string? Income, string? ZipPrefix)
{
    private const string NoRace = "none";

    public static AnswerTuple Of(DemographicProfile? profile) => profile is null
        ? new(null, null, null, null, null, null, null)
        : new(
            profile.AgeRange is { } age ? AnswerNames.Of<AgeRange>(age) : null,
            profile.Gender is { } gender ? AnswerNames.Of<Gender>(gender) : null,
            profile.HispanicLatinxSpanishOrigin is { } hispanic ? (hispanic ? "true" : "false") : null,
            profile.Races?.Distinct().Order().Select(AnswerNames.Of<Race>).ToArray(),
            profile.SchoolLevel is { } school ? AnswerNames.Of<SchoolLevel>(school) : null,
            profile.HouseholdIncomeRange is { } income ? AnswerNames.Of<IncomeRange>(income) : null,
            profile.ZipCode is { Length: >= 3 } zip ? zip[..3] : null);

    public string Key => string.Join('|',
        AgeRange, Gender, Hispanic, Races is null ? "" : Races.Count == 0 ? NoRace : string.Join('+', Races), SchoolLevel, Income, ZipPrefix);

    public static AnswerTuple Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var f = key.Split('|');
        if (f.Length != 7)
        {
            throw new FormatException("An answer tuple has 7 fields.");
        }
        string? Field(int i) => f[i].Length == 0 ? null : f[i];
        var races = f[3] switch
        {
            "" => null,
            NoRace => [],
            var codes => codes.Split('+'),
        };
        return new(Field(0), Field(1), Field(2), races, Field(4), Field(5), Field(6));
    }

    /// <summary>The answer to a single-answer question (the zip code's prefix for <see cref="PanelQuestion.ZipCode"/>).</summary>
    public string? Answer(PanelQuestion question) => question switch
    {
        PanelQuestion.AgeRange => AgeRange,
        PanelQuestion.Gender => Gender,
        PanelQuestion.HispanicLatinxSpanishOrigin => Hispanic,
        PanelQuestion.SchoolLevel => SchoolLevel,
        PanelQuestion.HouseholdIncomeRange => Income,
        PanelQuestion.ZipCode => ZipPrefix,
        _ => throw new ArgumentOutOfRangeException(nameof(question)),
    };
}
