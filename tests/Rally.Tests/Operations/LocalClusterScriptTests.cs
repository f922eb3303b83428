using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary><c>deploy/local-cluster.sh</c>: one command gives a working PostgreSQL-backed cluster, and stop leaves nothing behind.</summary>
public sealed class LocalClusterScriptTests
{
    [Fact]
    public async Task The_local_cluster_script_starts_a_cluster_that_works_through_every_front_and_stop_leaves_nothing_running()
    {
        await using var script = LocalClusterScript.Start("--silos", "2", "--apis", "2");
        await script.WaitUntilReadyAsync();
        var state = script.ReadState();
        var front1 = new Uri(state["api_1_url"]);
        var front2 = new Uri(state["api_2_url"]);
        var operatorKey = state["operator_key"];
        Assert.Contains(front1.ToString().TrimEnd('/'), script.Output, StringComparison.Ordinal);
        Assert.Contains(front2.ToString().TrimEnd('/'), script.Output, StringComparison.Ordinal);
        Assert.Contains($"Operator key: {operatorKey}", script.Output, StringComparison.Ordinal);
        int[] pids =
        [
            .. state.Where(s => s.Key.EndsWith("_pid", StringComparison.Ordinal)).Select(s => int.Parse(s.Value, CultureInfo.InvariantCulture)),
            int.Parse(File.ReadLines(Path.Combine(state["pg_dir"], "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture),
        ];
        Assert.Equal(5, pids.Length);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // A participant joins through one front and reads itself through the other.
        var joined = await (await http.PostAsJsonAsync(new Uri(front1, "/v1/participants"), RallyApi.JoinBody())).ShouldBeAsync(HttpStatusCode.Created);
        using var me = new HttpRequestMessage(HttpMethod.Get, new Uri(front2, "/v1/me"));
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)joined["token"]!);
        var read = await (await http.SendAsync(me)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal((string?)joined["participantId"], (string?)read["participantId"]);
        // The printed operator key is the one the fronts accept.
        using var partner = new HttpRequestMessage(HttpMethod.Post, new Uri(front2, "/v1/partners")) { Content = JsonContent.Create(new { name = "Local Lab" }) };
        partner.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);
        await (await http.SendAsync(partner)).ShouldBeAsync(HttpStatusCode.Created);

        await script.StopAsync();

        Assert.Equal(0, script.ExitCode);
        Assert.All(pids, pid => Assert.False(LocalClusterScript.IsRunning(pid), $"pid {pid} still runs after stop.\n{script.Output}"));
        Assert.False(Directory.Exists(state["pg_dir"]), "the PostgreSQL data folder outlived stop");
    }
}
