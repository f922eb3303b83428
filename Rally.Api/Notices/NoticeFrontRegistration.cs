using Microsoft.Extensions.Options;
using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>
/// Keeps this front in the cluster's <see cref="INoticeFrontRegistryGrain"/>: registers its observer reference at
/// start (the client holds the observer weakly; <see cref="NoticeFront"/> is a singleton, so it lives as long as the front), refreshes it every <see cref="NoticeOptions.RefreshInterval"/>, and unregisters on a graceful stop. When
/// the registry did not know the front any more (it was reactivated, or dropped the front after a failed push),
/// pending notices are replayed to every connection held here, so nothing pushed meanwhile is missed.
/// </summary>
public sealed partial class NoticeFrontRegistration(
    IGrainFactory grains, NoticeFront front, IOptions<NoticeOptions> options, ILogger<NoticeFrontRegistration> logger) : BackgroundService
{
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Guid _frontId = Guid.NewGuid();
    private INoticeFront? _reference;

    /// <summary>Completes once the front is first in the registry.</summary>
    public Task Registered => _registered.Task;

    private INoticeFrontRegistryGrain Registry => grains.GetGrain<INoticeFrontRegistryGrain>(INoticeFrontRegistryGrain.Key);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _reference = grains.CreateObjectReference<INoticeFront>(front);
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        do
        {
            try
            {
                var known = await Registry.RegisterAsync(_frontId, _reference, options.Value.TimeToLive);
                if (!_registered.TrySetResult() && !known)
                {
                    LogReRegistered(logger, _frontId);
                    await front.ReplayAsync(grains, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRegistrationFailed(logger, exception, _frontId);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_reference is null)
        {
            return;
        }
        try
        {
            await Registry.UnregisterAsync(_frontId).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The registry drops the front when its time to live ends.
            LogRegistrationFailed(logger, exception, _frontId);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Notice front {FrontId} could not register with the cluster; retrying")]
    private static partial void LogRegistrationFailed(ILogger logger, Exception exception, Guid frontId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Notice front {FrontId} was unknown to the registry; replaying pending notices to its connections")]
    private static partial void LogReRegistered(ILogger logger, Guid frontId);
}
