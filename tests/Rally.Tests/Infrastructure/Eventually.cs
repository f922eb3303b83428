namespace Rally.Tests.Infrastructure;

/// <summary>Waits on real processes: polls a condition until it holds, failing at a deadline or as soon as a process exits.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, IReadOnlyList<RallyProcess> processes)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (processes.Any(p => p.HasExited) || DateTime.UtcNow > deadline)
            {
                var outputs = string.Join("\n", processes.Select((p, i) => $"--- process {i + 1} (exited: {p.HasExited}) ---\n{p.Output}"));
                Assert.Fail($"Gave up waiting for {what}.\n{outputs}");
            }
            await Task.Delay(PollInterval);
        }
    }
}
