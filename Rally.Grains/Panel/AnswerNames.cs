using System.Reflection;
using System.Text.Json.Serialization;

namespace Rally.Grains.Panel;

/// <summary>The published names of an answer enum (its <see cref="JsonStringEnumMemberNameAttribute"/>s), in member order.</summary>
public static class AnswerNames
{
    public static IReadOnlyList<string> All<TEnum>()
        where TEnum : struct, Enum => Names<TEnum>.All;

    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => Names<TEnum>.ByValue[value];

    /// <summary>The member published as <paramref name="name"/>; null when none is.</summary>
    public static TEnum? Parse<TEnum>(string name)
        where TEnum : struct, Enum => Names<TEnum>.ByName.TryGetValue(name, out var value) ? value : null;

    private static class Names<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly Dictionary<TEnum, string> ByValue = typeof(TEnum)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .OrderBy(f => Convert.ToInt64(f.GetValue(null), System.Globalization.CultureInfo.InvariantCulture))
            .ToDictionary(f => (TEnum)f.GetValue(null)!, f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name);

        public static readonly Dictionary<string, TEnum> ByName = ByValue.ToDictionary(n => n.Value, n => n.Key, StringComparer.Ordinal);

        public static readonly string[] All = [.. ByValue.Values];
    }
}
