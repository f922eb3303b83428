using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Rally.Silo.Schema;

/// <summary>The migrations this build carries: <c>deploy/sql/*.sql</c>, embedded as <c>Rally.Schema.NNNN_name.sql</c> (see the csproj).</summary>
internal static partial class EmbeddedMigrations
{
    private const string ResourcePrefix = "Rally.Schema.";

    public static IReadOnlyList<Migration> Load() => Load(typeof(EmbeddedMigrations).Assembly);

    public static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Schema file '{resource}' is not named NNNN_lower_case_name.sql.");
            }
            var sql = ReadText(assembly, resource);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                sql,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)))));
        }

        if (migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new InvalidOperationException(
                $"Schema version {duplicate.First().Label} is used by more than one file: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }
        return [.. migrations.OrderBy(m => m.Version)];
    }

    private static string ReadText(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Schema file '{resource}' cannot be read.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // A checkout with CRLF line endings must not look like a changed migration.
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    [GeneratedRegex(@"^Rally\.Schema\.(?<version>[0-9]{4})_(?<name>[a-z0-9_]+)\.sql\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceName();
}
