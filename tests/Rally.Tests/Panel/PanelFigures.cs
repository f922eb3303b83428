using System.Text.Json.Nodes;

namespace Rally.Tests.Panel;

/// <summary>
/// Reads an answer of <c>GET /v1/panel/representation</c> against the profiles the test gave its participants (null:
/// none): every published count is the true one and at least k, every true count below k is suppressed.
/// </summary>
internal static class PanelFigures
{
    public static readonly string[] Questions = ["ageRange", "gender", "hispanicLatinxSpanishOrigin", "schoolLevel", "householdIncomeRange", "zipCode"];

    /// <summary>Asserts the answer is honest and k-anonymous; returns each cell's count (null: suppressed) by a readable key.</summary>
    public static Dictionary<string, long?> Check(JsonObject figures, IReadOnlyList<JsonObject?> profiles, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(figures);
        Assert.Equal(k, (int?)figures["k"]);
        var cells = new Dictionary<string, long?>();
        void Cell(string key, JsonNode? cell, long truth)
        {
            var suppressed = (bool)cell!["suppressed"]!;
            var count = (long?)cell["count"];
            if (suppressed)
            {
                Assert.True(count is null, $"{key}: suppressed yet {count}");
            }
            else
            {
                Assert.True(count == truth, $"{key}: published {count}, truly {truth}");
                Assert.True(count >= k, $"{key}: published {count}, below k = {k}");
            }
            Assert.True(truth >= k || suppressed, $"{key}: {truth} below k published");
            cells[key] = count;
        }

        Cell("total", figures["total"], profiles.Count);
        foreach (var table in figures["questions"]!.AsArray())
        {
            var question = (string)table!["question"]!;
            foreach (var answer in table["answers"]!.AsArray())
            {
                var name = (string)answer!["answer"]!;
                Cell($"{question}={name}", answer, profiles.Count(p => Answer(p, question, profiles, k) == name));
            }
            Cell($"{question}=", table["notAnswered"], profiles.Count(p => Answer(p, question, profiles, k) is null));
        }
        Cell("races=", figures["races"]!["notAnswered"], profiles.Count(p => p?["races"] is null));
        foreach (var code in figures["races"]!["codes"]!.AsArray())
        {
            var race = (string)code!["race"]!;
            Cell($"{race}=yes", code["yes"], profiles.Count(p => p?["races"] is JsonArray r && r.Any(x => (string?)x == race)));
            Cell($"{race}=no", code["no"], profiles.Count(p => p?["races"] is JsonArray r && r.All(x => (string?)x != race)));
        }
        if (figures["crossTab"] is JsonObject cross)
        {
            var (first, second) = ((string)cross["first"]!, (string)cross["second"]!);
            foreach (var cell in cross["cells"]!.AsArray())
            {
                var (a, b) = ((string?)cell!["first"], (string?)cell["second"]);
                Cell($"{first}={a} × {second}={b}", cell,
                    profiles.Count(p => Answer(p, first, profiles, k) == a && Answer(p, second, profiles, k) == b));
            }
        }
        return cells;
    }

    /// <summary>The answer as the panel counts it: zip codes by prefix, prefixes fewer than k gave as <c>other</c>.</summary>
    private static string? Answer(JsonObject? profile, string question, IReadOnlyList<JsonObject?> profiles, int k)
    {
        var value = profile?[question];
        if (value is null)
        {
            return null;
        }
        if (question != "zipCode")
        {
            return value.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)value! : value.ToJsonString();
        }
        var prefix = ((string)value!)[..3];
        return profiles.Count(p => p?["zipCode"] is { } z && ((string)z!).StartsWith(prefix, StringComparison.Ordinal)) >= k ? prefix : "other";
    }
}
