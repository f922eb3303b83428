using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Notices;

/// <summary>A participant's SignalR connection to a front's notices hub, recording every <c>notice</c> message as sent on the wire.</summary>
public sealed class NoticeListener : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly List<JsonElement> _received = [];
    private readonly List<(Func<JsonElement, bool> Match, TaskCompletionSource<JsonElement> Done)> _waiting = [];

    private NoticeListener(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>("notice", OnNotice);
    }

    public HubConnection Connection { get; }

    /// <summary>Everything received so far, in order.</summary>
    public JsonElement[] Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The hub's address on a front.</summary>
    public static Uri HubUrl(RallyApiFactory front) => new(front.CreateClient(null).BaseAddress!, "/hubs/notices");

    /// <summary>A connection carrying the token as <c>Authorization: Bearer</c>, not yet started.</summary>
    public static NoticeListener For(RallyApiFactory front, string? token, HttpTransportType transport = HttpTransportType.WebSockets) =>
        new(new HubConnectionBuilder()
            .WithUrl(HubUrl(front), transport, o =>
            {
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build());

    /// <summary>A connection to the given URL as is (to put the token in the query string), not yet started.</summary>
    public static NoticeListener ForUrl(Uri url) =>
        new(new HubConnectionBuilder().WithUrl(url, HttpTransportType.WebSockets).Build());

    /// <summary>Connects the participant's token to the front's hub.</summary>
    public static async Task<NoticeListener> ConnectAsync(RallyApiFactory front, string token)
    {
        var listener = For(front, token);
        await listener.Connection.StartAsync();
        return listener;
    }

    /// <summary>The first notice (already received or still to come) that matches; fails after a deadline.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what)
    {
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_received)
        {
            foreach (var notice in _received.Where(match))
            {
                return notice;
            }
            _waiting.Add((match, done));
        }
        try
        {
            return await done.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"No {what} within {Patience.TotalSeconds} s; received: [{string.Join(", ", Received.Select(r => r.GetRawText()))}]");
        }
    }

    public Task<JsonElement> WaitForAsync(string kind, string studyId) =>
        WaitForAsync(n => Is(n, kind, studyId), $"'{kind}' notice of study {studyId}");

    public static bool Is(JsonElement notice, string kind, string studyId) =>
        notice.GetProperty("kind").GetString() == kind && notice.GetProperty("studyId").GetString() == studyId;

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private void OnNotice(JsonElement notice)
    {
        var copy = notice.Clone();
        lock (_received)
        {
            _received.Add(copy);
            foreach (var waiter in _waiting.Where(w => w.Match(copy)).ToArray())
            {
                _waiting.Remove(waiter);
                waiter.Done.TrySetResult(copy);
            }
        }
    }
}
