using Rally.Tests.Infrastructure;

namespace Rally.Tests.ClientKit;

/// <summary>
/// Runs a file of the JavaScript client kit's tests (<c>clients/js/test</c>) with node's own test runner, against a Rally
/// this process started. Node must be on PATH: without it the test fails, never skips. The kit's packages are
/// installed by Rally.Api's build (<c>npm ci</c> in <c>clients/js</c>).
/// </summary>
internal static class ClientKitNode
{
    public static readonly string Directory = Path.Combine(RallyRepository.Root, "clients", "js");

    /// <summary>Runs <c>node --test</c> on the files; throws with everything node printed unless every test passed.</summary>
    public static async Task<string> TestAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] files)
    {
        var all = new Dictionary<string, string>(environment)
        {
            ["RALLY_OPERATOR_KEY"] = TestSecrets.OperatorKey,
            ["NODE_NO_WARNINGS"] = "1",
        };
        string[] arguments = ["--test", "--test-reporter=spec", "--test-concurrency=1", $"--test-timeout={(int)timeout.TotalMilliseconds}", .. files];
        return await ProcessRunner.RunAsync("node", arguments, timeout + TimeSpan.FromSeconds(30), all, Directory);
    }
}
