using System.Text;

namespace Rally.Silo.Hosting;

/// <summary>
/// Escapes control characters (and Unicode line separators) in values written to logs: request paths and ids arrive
/// decoded, so a <c>%0A</c> in a URL would otherwise start a log line of the caller's making.
/// </summary>
public static class LogEscaping
{
    /// <summary>The text with each control character written as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\uXXXX</c>; the same instance when there was none.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAny(Controls))
        {
            return text;
        }
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => escaped.Append(@"\n"),
                '\r' => escaped.Append(@"\r"),
                '\t' => escaped.Append(@"\t"),
                _ when Controls.Contains(c) => escaped.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                _ => escaped.Append(c),
            };
        }
        return escaped.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), '\u007f', .. Enumerable.Range(0x80, 0x20).Select(i => (char)i), '\u2028', '\u2029']);
}
