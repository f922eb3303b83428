using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Rally.Silo.Configuration;

/// <summary>Validates an options class bound from <c>section</c> when the host starts (see <see cref="RallyOptionsValidation"/>).</summary>
public sealed class RallyOptionsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = RallyOptionsValidation.Failures(section, options).ToArray();
        return failures.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Checks options by their data annotations (and <see cref="IValidatableObject"/>), with one line per setting that is
/// missing or invalid, naming its key and environment variable (<see cref="ConfigurationErrors.Line"/>).
/// </summary>
public static class RallyOptionsValidation
{
    /// <summary>The lines for every setting of <paramref name="options"/>, bound from <paramref name="section"/>, that is missing or invalid.</summary>
    public static IEnumerable<string> Failures(string section, object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failed = false;
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(options);
            if (property.GetCustomAttributes<ValidationAttribute>().Any(rule => !rule.IsValid(value)))
            {
                failed = true;
                var missing = value is null || (value is string text && string.IsNullOrWhiteSpace(text));
                yield return ConfigurationErrors.Line(Key(section, property.Name), missing, OptionsDescriptions.Expectation(property));
            }
        }
        // Rules across settings are checked once each setting is valid on its own.
        if (!failed && options is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(options)))
            {
                var key = Key(section, result.MemberNames.FirstOrDefault() ?? "");
                yield return ConfigurationErrors.Line(key, missing: false, result.ErrorMessage ?? "expected a valid value");
            }
        }
    }

    /// <summary>Returns <paramref name="options"/> when valid; otherwise throws <see cref="RallyConfigurationException"/> with the lines.</summary>
    public static TOptions Ensure<TOptions>(string section, TOptions options)
        where TOptions : class
    {
        var failures = Failures(section, options).ToArray();
        return failures.Length == 0 ? options : throw new RallyConfigurationException(string.Join(Environment.NewLine, failures));
    }

    private static string Key(string section, string member) => member.Length == 0 ? section : $"{section}:{member}";
}
