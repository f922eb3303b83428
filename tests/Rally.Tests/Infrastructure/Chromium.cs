namespace Rally.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, which the browser tests drive (Playwright's own browser download cannot be reached from these
/// machines). A machine without it gets it installed once, as root, by the first test that needs it: CI machines start
/// without it. Never skipped: a browser test that finds no browser fails, saying how to install one.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private const string LockPath = "/tmp/rally-tests-chromium-install.lock";
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(15);
    private static readonly SemaphoreSlim InThisProcess = new(1, 1);

    /// <summary>The browser's path, installing it first (<c>apt-get install chromium</c>) when it is missing and the tests run as root.</summary>
    public static async Task<string> EnsureInstalledAsync()
    {
        if (File.Exists(ExecutablePath))
        {
            return ExecutablePath;
        }
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException(
                $"The browser tests drive Chromium at {ExecutablePath}, which is missing. Install it as root: apt-get update && apt-get install -y chromium");
        }
        await InThisProcess.WaitAsync();
        try
        {
            // Other test processes (several test hosts, or a second checkout) may be installing it too: apt takes one at a time.
            await using var crossProcess = await LockAsync();
            if (!File.Exists(ExecutablePath))
            {
                var quiet = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
                await ProcessRunner.RunAsync("apt-get", ["update"], InstallTimeout, quiet);
                await ProcessRunner.RunAsync("apt-get", ["install", "-y", "chromium"], InstallTimeout, quiet);
            }
        }
        finally
        {
            InThisProcess.Release();
        }
        return File.Exists(ExecutablePath)
            ? ExecutablePath
            : throw new InvalidOperationException($"apt-get installed chromium, yet {ExecutablePath} is missing.");
    }

    private static async Task<FileStream> LockAsync()
    {
        var deadline = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1)); // another process holds it: waiting for its install, not for time to pass
            }
        }
    }
}
