using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Rally.Benchmarks.Delete;

/// <summary>
/// The leaver's live notices (<c>/hubs/notices</c>, WebSockets, its bearer token), connected before its request, as a
/// participant's open page is: the <c>data-deleted</c> notice of a request (its id is the request's) tells the client
/// when to ask for the request's status, instead of asking every few milliseconds from the start.
/// </summary>
internal sealed class DeletionNotices : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _deleted = new();

    private DeletionNotices(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JsonElement>("notice", notice =>
        {
            if (notice.GetProperty("kind").GetString() == "data-deleted" && notice.GetProperty("id").TryGetGuid(out var id))
            {
                Deleted(id).TrySetResult();
            }
        });
    }

    public static async Task<DeletionNotices> ConnectAsync(Uri api, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api, "/hubs/notices"), HttpTransportType.WebSockets, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var notices = new DeletionNotices(connection);
        await connection.StartAsync();
        return notices;
    }

    /// <summary>Completes when the request's <c>data-deleted</c> notice has arrived (also if it came before this was asked).</summary>
    public Task WhenDeleted(Guid deletionId) => Deleted(deletionId).Task;

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private TaskCompletionSource Deleted(Guid id) => _deleted.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
