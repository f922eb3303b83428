namespace Rally.Silo.Schema;

/// <summary>One versioned script of Rally's schema (<c>deploy/sql/NNNN_name.sql</c>).</summary>
/// <param name="Version">The number the file name starts with; migrations apply in its order.</param>
/// <param name="Name">The rest of the file name.</param>
/// <param name="Sql">The script, line endings normalized to LF.</param>
/// <param name="Checksum">SHA-256 of <paramref name="Sql"/> (lower-case hex): an applied migration must never change.</param>
internal sealed record Migration(int Version, string Name, string Sql, string Checksum)
{
    /// <summary>The version as the file names it, e.g. <c>0002</c>.</summary>
    public string Label => Version.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
}
