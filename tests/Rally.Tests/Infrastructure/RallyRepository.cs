using System.Diagnostics;
using System.Reflection;

namespace Rally.Tests.Infrastructure;

/// <summary>The checkout these tests run from: its root, the programs this build made, and what children must not inherit.</summary>
internal static class RallyRepository
{
    /// <summary>The folder holding <c>Rally.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of these tests (<c>Debug</c> or <c>Release</c>); the programs they start were built with it.</summary>
    public static string Configuration { get; } =
        typeof(RallyRepository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary><c>&lt;project&gt;/bin/&lt;configuration&gt;/net10.0/&lt;project&gt;.dll</c>.</summary>
    public static string AssemblyPath(string project)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", $"{project}.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build {project} ({Configuration}) first.");
    }

    /// <summary>Nothing of the test host's own Rally configuration leaks into a child process.</summary>
    public static void RemoveRallySettings(ProcessStartInfo start)
    {
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("Rally__", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(key);
        }
    }

    private static string FindRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Rally.sln")))
        {
            root = root.Parent;
        }
        return root?.FullName ?? throw new InvalidOperationException($"No Rally.sln above {AppContext.BaseDirectory}.");
    }
}
