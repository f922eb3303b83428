namespace Rally.Tests.Infrastructure;

/// <summary>Finds PostgreSQL's server programs: on PATH, else in Debian's versioned folders.</summary>
internal static class PostgresBinaries
{
    public static string Find(string program)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program));
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(folder => Path.Combine(folder, "bin", program))
            : [];
        return onPath.Concat(debian).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"PostgreSQL's '{program}' is neither on PATH nor in /usr/lib/postgresql/*/bin. The PostgreSQL tests start a " +
                "throwaway server from the installed binaries: install the PostgreSQL 15 server (Debian: apt-get install postgresql-15).");
    }
}
