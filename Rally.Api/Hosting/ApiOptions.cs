using System.ComponentModel.DataAnnotations;

namespace Rally.Api.Hosting;

/// <summary>Limits of the HTTP front, bound from <c>Rally:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Rally:Api";

    /// <summary>The largest request body accepted, in bytes; larger ones get 413. Default 1 MiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
