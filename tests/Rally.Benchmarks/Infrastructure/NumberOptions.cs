using System.Globalization;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>Command lines of <c>--name N</c> pairs, every value a positive whole number (the fanout and delete benchmarks).</summary>
internal static class NumberOptions
{
    /// <summary>
    /// Applies each pair to <paramref name="options"/>; <paramref name="apply"/> answers null for a name it does not know.
    /// </summary>
    public static bool TryApply<T>(ReadOnlySpan<string> args, ref T options, Func<T, string, int, T?> apply, out string error)
        where T : class
    {
        error = "";
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                error = $"{args[i]} takes a positive whole number.";
                return false;
            }
            if (apply(options, args[i], number) is not { } applied)
            {
                error = $"Unknown option {args[i]}.";
                return false;
            }
            options = applied;
        }
        return true;
    }
}
