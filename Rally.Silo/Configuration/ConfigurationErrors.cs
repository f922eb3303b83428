using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Rally.Silo.Configuration;

/// <summary>
/// Turns what a bad configuration throws, at build or at start, into the lines a person fixes it from:
/// <c>Rally:Pseudonyms:Key is not set (environment variable Rally__Pseudonyms__Key): expected a secret of at least 32 characters.</c>
/// Both programs print them instead of a stack trace and exit with <see cref="ExitCode"/>.
/// </summary>
public static partial class ConfigurationErrors
{
    /// <summary>The exit code of a process stopped by its configuration (1 is any other failure).</summary>
    public const int ExitCode = 2;

    /// <summary>One line about one setting.</summary>
    public static string Line(string key, bool missing, string expectation) =>
        $"{key} is {(missing ? "not set" : "not valid")} (environment variable {EnvironmentVariable(key)}): {expectation}.";

    /// <summary>How the key is spelled in the environment (<c>:</c> becomes <c>__</c>).</summary>
    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The lines to print when <paramref name="exception"/> is a configuration problem; otherwise null.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        RallyConfigurationException rally => rally.Message,
        OptionsValidationException invalid => string.Join(Environment.NewLine, invalid.Failures),
        AggregateException many when many.InnerExceptions.Select(Describe).ToArray() is { } lines && lines.All(l => l is not null)
            => string.Join(Environment.NewLine, lines),
        InvalidOperationException binding when Unconvertible().Match(binding.Message) is { Success: true } match
            => Line(match.Groups["key"].Value, missing: false, OptionsDescriptions.Expectation(FindType(match.Groups["type"].Value))),
        _ when exception.InnerException is { } inner && exception is not AggregateException => Describe(inner),
        _ => null,
    };

    private static Type? FindType(string name) =>
        Type.GetType(name) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);

    /// <summary>What <c>Microsoft.Extensions.Configuration.Binder</c> says when a value cannot become the setting's type.</summary>
    [GeneratedRegex("^Failed to convert configuration value (?:'[^']*' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex Unconvertible();
}
