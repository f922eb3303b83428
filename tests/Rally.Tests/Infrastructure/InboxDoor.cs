using Rally.Grains.Notices;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// A silo's outgoing-call filter that, while armed, holds every call to an inbox's <c>AddAsync</c> before it leaves
/// its caller (the inbox itself stays free to answer reads and acknowledgements) until released.
/// </summary>
public sealed class InboxDoor : IOutgoingGrainCallFilter
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _gate;
    private TaskCompletionSource _held = New();
    private TaskCompletionSource _passed = New();

    /// <summary>Holds inbox writes from now until released (also when the returned handle is disposed).</summary>
    public IDisposable Arm()
    {
        lock (_lock)
        {
            _gate = New();
            _held = New();
            _passed = New();
        }
        return new Releaser(this);
    }

    public void Release()
    {
        lock (_lock)
        {
            _gate?.TrySetResult();
            _gate = null;
        }
    }

    /// <summary>The longest a test waits on the door: a write that never comes fails the test rather than hang the run.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    /// <summary>Completes once an inbox write is held.</summary>
    public Task Held => Read(() => _held.Task).WaitAsync(Patience);

    /// <summary>Completes once a held inbox write has been carried out after the release (a write released before it came is never held).</summary>
    public Task Passed => Read(() => _passed.Task).WaitAsync(Patience);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        Task? wait = null;
        TaskCompletionSource? passed = null;
        if (context.InterfaceMethod?.Name == nameof(INoticeInboxGrain.AddAsync))
        {
            lock (_lock)
            {
                if (_gate is { } gate)
                {
                    _held.TrySetResult();
                    wait = gate.Task;
                    passed = _passed;
                }
            }
        }
        if (wait is not null)
        {
            await wait;
        }
        await context.Invoke();
        passed?.TrySetResult();
    }

    private Task Read(Func<Task> task)
    {
        lock (_lock)
        {
            return task();
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Releaser(InboxDoor door) : IDisposable
    {
        public void Dispose() => door.Release();
    }
}
