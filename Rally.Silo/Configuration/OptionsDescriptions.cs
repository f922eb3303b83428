using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Rally.Silo.Configuration;

/// <summary>Says, in words, what a setting expects, from its type and its validation attributes.</summary>
public static class OptionsDescriptions
{
    /// <summary>E.g. "expected a duration (hh:mm:ss) from 00:00:01 to 1.00:00:00".</summary>
    public static string Expectation(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        var what = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? Noun(property.PropertyType);
        var rules = property.GetCustomAttributes<ValidationAttribute>().Select(Rule).OfType<string>();
        return string.Join(' ', ["expected", what, .. rules]);
    }

    /// <summary>E.g. "expected a whole number", for a value of <paramref name="type"/> (unknown: "expected a valid value").</summary>
    public static string Expectation(Type? type) => "expected " + (type is null ? "a valid value" : Noun(type));

    private static string Noun(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(TimeSpan) => "a duration ([d.]hh:mm:ss[.fff])",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(Uri) => "a URL",
            _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ => "a value",
        };
    }

    private static string? Rule(ValidationAttribute attribute) => attribute switch
    {
        RangeAttribute range => string.Create(CultureInfo.InvariantCulture, $"from {range.Minimum} to {range.Maximum}"),
        MinLengthAttribute min => string.Create(CultureInfo.InvariantCulture, $"of at least {min.Length} characters"),
        MaxLengthAttribute max => string.Create(CultureInfo.InvariantCulture, $"of at most {max.Length} characters"),
        RegularExpressionAttribute pattern => $"matching {pattern.Pattern}",
        _ => null,
    };
}
