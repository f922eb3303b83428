using System.ComponentModel.DataAnnotations;

namespace Rally.Api.Hosting;

/// <summary>Which browser origins may call the API, bound from <c>Rally:Cors</c>. Nothing is allowed by default.</summary>
public sealed class CorsSettings : IValidatableObject
{
    public const string Section = "Rally:Cors";

    private const string AnyOfScheme = "://*";

    /// <summary>
    /// Exact origins (<c>https://rally.example</c>) or every origin of a scheme (<c>moz-extension://*</c>,
    /// <c>chrome-extension://*</c>: each install of an add-on has an origin of its own). Default: none.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    public bool IsAllowed(string origin) =>
        AllowedOrigins.Any(allowed => allowed.EndsWith(AnyOfScheme, StringComparison.Ordinal)
            ? origin.StartsWith(allowed[..^1], StringComparison.OrdinalIgnoreCase) && IsOrigin(origin)
            : string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The message names the rule, never the value (settings errors are printed).
        if (!AllowedOrigins.All(allowed => allowed.EndsWith(AnyOfScheme, StringComparison.Ordinal)
            ? Uri.CheckSchemeName(allowed[..^AnyOfScheme.Length])
            : IsOrigin(allowed)))
        {
            yield return new ValidationResult(
                "expected origins (scheme://host[:port], no path) or every origin of a scheme (scheme://*)", [nameof(AllowedOrigins)]);
        }
    }

    /// <summary>A scheme, a host and maybe a port: what a browser sends as <c>Origin</c>, and nothing more.</summary>
    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Host.Length > 0
        && string.Equals(uri.GetLeftPart(UriPartial.Authority), value, StringComparison.OrdinalIgnoreCase);
}
