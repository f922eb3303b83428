using System.Data.Common;
using Microsoft.Extensions.Options;
using Npgsql;
using Rally.Silo.Configuration;
using Rally.Silo.Hosting;

namespace Rally.Api.Hosting;

/// <summary>What <see cref="TransientRetryFilter"/> needs to know of silos being lost.</summary>
internal interface ISiloLossSignal
{
    /// <summary>Cancelled when a silo may have been lost (a gateway connection closed, or a silo was declared dead); a new one follows.</summary>
    CancellationToken Lost { get; }

    /// <summary>Completes when the membership table says another silo was declared dead; a new one follows.</summary>
    Task DeclaredDead { get; }
}

/// <summary>
/// Tells a front's grain calls at once that a silo was lost. An Orleans client never fails the calls it has outstanding
/// to a silo that died (silos do that for their own calls, clients do not): without this, such a call waits out the
/// response timeout. Two signals: a gateway connection closing (a silo process that dies or stops closes its connections
/// at once), and the membership table naming a silo that others declared dead, read every
/// <see cref="OrleansOptions.MembershipPollInterval"/> (a machine lost without closing its connections).
/// </summary>
internal sealed partial class SiloLossWatcher(
    NpgsqlDataSource dataSource, IConfiguration configuration, IOptions<OrleansOptions> options, TimeProvider clock,
    ILogger<SiloLossWatcher> logger) : BackgroundService, ISiloLossSignal, IClusterConnectionStatusObserver
{
    // Replaced, never disposed: a call may link to the token a moment after it was cancelled (a cancelled source holds nothing).
    private CancellationTokenSource _lost = new();
    private TaskCompletionSource _declared = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken Lost => Volatile.Read(ref _lost).Token;

    public Task DeclaredDead => Volatile.Read(ref _declared).Task;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            LogGatewayClosed(logger, currentNumberOfGateways);
            SignalLost();
        }
    }

    public void NotifyClusterConnectionLost()
    {
        // The count dropping to zero was told just before; nothing more to do.
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clusterId = configuration.GetRallyOptions<RallyClusterOptions>(RallyClusterOptions.Section).ClusterId;
        HashSet<string>? known = null;
        using var timer = new PeriodicTimer(options.Value.MembershipPollInterval, clock);
        do
        {
            try
            {
                var declared = await MembershipDeaths.DeclaredAsync(dataSource, clusterId, stoppingToken);
                // The first read only learns who died before this front started.
                if (known is not null && declared.FirstOrDefault(s => !known.Contains(s)) is { } silo)
                {
                    LogDeclaredDead(logger, silo);
                    SignalLost();
                    Interlocked.Exchange(ref _declared, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
                known = [.. declared];
            }
            catch (Exception e) when (e is DbException or TimeoutException)
            {
                // The database away: requests answer 503 meanwhile; the next read tries again.
                LogReadFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void SignalLost()
    {
        var lost = Interlocked.Exchange(ref _lost, new CancellationTokenSource());
        // Not on Orleans' networking thread: cancelling completes the calls, whose continuations may run inline.
        _ = Task.Run(lost.Cancel);
    }

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "A gateway connection closed ({Gateways} left): calls in flight that are safe to resend are sent again")]
    private static partial void LogGatewayClosed(ILogger logger, int gateways);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Silo {Silo} was declared dead: calls in flight are sent again or answered 503")]
    private static partial void LogDeclaredDead(ILogger logger, string silo);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug, Message = "Could not read the membership table; trying again")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
