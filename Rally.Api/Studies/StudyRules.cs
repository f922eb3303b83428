using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Rally.Api.Problems;

namespace Rally.Api.Studies;

/// <summary>The shapes of study identifiers (new ones are made by <see cref="StudyIds"/>), consent versions and event types.</summary>
public static partial class StudyRules
{
    // The patterns as the OpenAPI document and [RegularExpression] (which requires the whole value to match) read them.
    // Matched here, each ends at \z instead: .NET's $ also accepts a trailing newline ("click\n").
    private const string StudyIdShape = "[a-z0-9][a-z0-9-]{2,63}";
    private const string EventTypeShape = "[a-z][a-z0-9._-]{0,63}";

    public const string StudyIdPattern = "^" + StudyIdShape + "$";
    public const string ConsentVersionPattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$";
    public const string EventTypePattern = "^" + EventTypeShape + "$";

    public static bool IsStudyId(string value) => StudyId().IsMatch(value);

    /// <summary>Each declared type well-formed, described, and declared once (lean data: only these are ever accepted).</summary>
    public static IEnumerable<ValidationResult> ValidateDataTypes(IReadOnlyList<DataTypeBody> types)
    {
        for (var i = 0; i < types.Count; i++)
        {
            if (!EventType().IsMatch(types[i].Type))
            {
                yield return new ValidationResult(
                    $"dataCollected[{i}].type must be lower-case letters, digits, '.', '_' or '-', starting with a letter (at most 64).", ["DataCollected"]);
            }
            if (string.IsNullOrWhiteSpace(types[i].Description) || types[i].Description.Length > 2000)
            {
                yield return new ValidationResult($"dataCollected[{i}].description must say what is collected (at most 2000 characters).", ["DataCollected"]);
            }
        }
        if (types.GroupBy(t => t.Type, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            yield return new ValidationResult($"dataCollected declares type '{ProblemText.Quote(duplicate.Key)}' twice.", ["DataCollected"]);
        }
    }

    [GeneratedRegex("^" + StudyIdShape + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex StudyId();

    [GeneratedRegex("^" + EventTypeShape + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex EventType();
}
