using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Notices;

/// <summary>A client nobody here wrote: <c>@microsoft/signalr</c> under node (installed by the build from <c>Notices/js/package-lock.json</c>).</summary>
[Collection(NoticesCollection.Name)]
public sealed class NoticeJavaScriptClientTests(NoticesFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string ScriptDirectory =>
        typeof(NoticeJavaScriptClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NoticesJsDirectory").Value!;

    [Fact]
    public async Task The_official_JavaScript_client_connecting_with_a_participant_token_hears_that_the_study_ended()
    {
        var api = new RallyApi(fixture.FrontB);
        var (studyId, _) = await api.EnrollingStudyAsync();
        var participant = await api.JoinAsync();
        Assert.True((await RallyApi.EnrollAsync(participant, studyId)).IsSuccessStatusCode);

        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<string>();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ScriptDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("listen.mjs");
        start.ArgumentList.Add(NoticeListener.HubUrl(fixture.FrontB).ToString());
        start.ArgumentList.Add(studyId);
        start.Environment["RALLY_TOKEN"] = participant.Token;
        using var node = new Process { StartInfo = start };
        node.OutputDataReceived += (_, line) =>
        {
            if (string.IsNullOrWhiteSpace(line.Data))
            {
                return;
            }
            using var message = JsonDocument.Parse(line.Data);
            switch (message.RootElement.GetProperty("event").GetString())
            {
                case "connected":
                    connected.TrySetResult();
                    break;
                case "notice" when NoticeListener.Is(message.RootElement.GetProperty("notice"), "study-ended", studyId):
                    ended.TrySetResult(message.RootElement.GetProperty("notice").Clone());
                    break;
            }
        };
        node.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.Add(line.Data ?? "");
            }
        };
        node.Start();
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(connected.Task, node.WaitForExitAsync()).WaitAsync(Patience);
            Assert.True(connected.Task.IsCompleted, $"node did not connect: {string.Join('\n', errors)}");

            await api.MoveAsync(studyId, "end");

            var notice = await ended.Task.WaitAsync(Patience);
            Assert.True(Guid.TryParse(notice.GetProperty("id").GetString(), out _));
            Assert.Contains("uninstall", notice.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.True(notice.TryGetProperty("at", out _));
            await node.WaitForExitAsync().WaitAsync(Patience);
            Assert.Equal(0, node.ExitCode);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }
}
