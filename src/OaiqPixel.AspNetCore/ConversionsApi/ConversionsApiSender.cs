using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's hosted service: one <see cref="PixelLaneSender"/> loop per pixel of <see cref="ConversionEventQueue"/>
/// (the sender starts each lane's loop as the queue announces the lane), each with its own batches and <see cref="DeliveryBackoff"/>, so one
/// pixel's trouble never delays another's events; on shutdown every loop drains within
/// <see cref="ConversionsApiOptions.ShutdownTimeout"/>. A changed configuration (a fixed key) ends every back-off wait at once.
/// </summary>
/// <remarks>
/// A plain <see cref="IHostedService"/> rather than a <c>BackgroundService</c>: the loop must run (and drain) even when the
/// host stops right after starting, which a <c>BackgroundService</c> whose stopping token is already cancelled skips.
/// Reads <see cref="IOptionsMonitor{TOptions}"/>: batch size, interval, back-off and key follow configuration reloads.
/// </remarks>
internal sealed class ConversionsApiSender(
    ConversionEventQueue queue,
    BatchDelivery delivery,
    IOptionsMonitor<OaiqTrackingOptions> options,
    TimeProvider timeProvider,
    ConversionsApiInstrumentation instrumentation,
    ILogger<ConversionsApiSender> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly List<(PixelLaneSender Sender, Task Loop)> _lanes = [];
    private CancellationTokenSource _wake = new();
    private IDisposable? _optionsChange;
    private Task? _loop;

    private ConversionsApiOptions Api => options.CurrentValue.ConversionsApi;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _optionsChange ??= options.OnChange(OnOptionsChanged);
        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Drains every pixel's lane for up to <see cref="ConversionsApiOptions.ShutdownTimeout"/> (or until <paramref name="cancellationToken"/>, the host's own deadline).</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Cancels without disposing the token sources: a host may call <see cref="StopAsync"/> again after its provider is
    /// disposed (minimal hosting's entry point and a test factory race to stop the same host), and that call must be a
    /// harmless no-op rather than an <see cref="ObjectDisposedException"/>.
    /// </remarks>
    public void Dispose()
    {
        _optionsChange?.Dispose();
        _stopping.Cancel();
        _abort.Cancel();
        Wake();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // Each send span is a root: do not hang them under whatever activity was current when the host started.
        System.Diagnostics.Activity.Current = null;

        var current = options.CurrentValue;
        var configured = current.ConfiguredPixels();
        // With only a pixel resolver, no pixel is known yet: each gets its lane (log 132) with its first event.
        var pixels = configured.Count > 0 ? string.Join(", ", configured.Select(static p => p.PixelId)) : "as the pixel resolver names them";
        var endpoint = ConversionsApiClient.BuildEventsUri(current.ConversionsApi.BaseAddress, null).AbsoluteUri + "{pixel}";
        ConversionsApiLog.SenderStarted(logger, pixels, endpoint, current.ConversionsApi.BatchSize, current.ConversionsApi.FlushInterval, queue.Capacity, current.ConversionsApi.ValidateOnly);

        using var registration = stoppingToken.Register(static state => ((ConversionsApiSender)state!).BeginShutdown(), this);
        queue.LaneAdded += lane => Start(lane, stoppingToken);
        foreach (var lane in queue.Lanes.ToArray())
        {
            Start(lane, stoppingToken);
        }

        // Lanes may still be added until the queue is completed (shutdown): wait for that, then for every loop.
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: drain.
        }

        (PixelLaneSender Sender, Task Loop)[] lanes;
        lock (_lock)
        {
            lanes = [.. _lanes];
        }

        await Task.WhenAll(lanes.Select(static l => l.Loop)).ConfigureAwait(false);
        var delivered = lanes.Sum(static l => l.Sender.DeliveredDuringShutdown);
        var lost = lanes.Sum(static l => l.Sender.Lost);
        if (lost > 0)
        {
            instrumentation.Dropped(DropReason.Shutdown, lost);
            ConversionsApiLog.ShutdownEventsLost(logger, Api.ShutdownTimeout, lost);
        }
        else
        {
            ConversionsApiLog.SenderStopped(logger, delivered);
        }
    }

    private void Start(PixelLane lane, CancellationToken stoppingToken)
    {
        lock (_lock)
        {
            if (_lanes.Exists(l => ReferenceEquals(l.Sender.Lane, lane)))
            {
                return;
            }

            ConversionsApiLog.PixelLaneStarted(logger, lane.PixelId, queue.Capacity);
            var sender = new PixelLaneSender(lane, queue, delivery, options, timeProvider, instrumentation, logger, () => Volatile.Read(ref _wake).Token, _abort.Token);
            _lanes.Add((sender, Task.Run(() => RunLaneAsync(sender, stoppingToken), CancellationToken.None)));
        }
    }

    /// <summary>Runs a lane's loop; a lane retired for idleness then leaves the list, so pixels come and go without a trace.</summary>
    private async Task RunLaneAsync(PixelLaneSender sender, CancellationToken stoppingToken)
    {
        await sender.RunAsync(stoppingToken).ConfigureAwait(false);
        if (sender.Lane.IsRetired && !stoppingToken.IsCancellationRequested)
        {
            lock (_lock)
            {
                _lanes.RemoveAll(l => ReferenceEquals(l.Sender, sender));
            }
        }
    }

    private void BeginShutdown()
    {
        queue.Complete();
        _abort.CancelAfter(Api.ShutdownTimeout);
        Wake();
    }

    /// <summary>Ends every lane's back-off wait; the replaced source is cancelled, not disposed (a loop may be reading its token).</summary>
    private void Wake() => Interlocked.Exchange(ref _wake, new CancellationTokenSource()).Cancel();

    private void OnOptionsChanged(OaiqTrackingOptions changed, string? name)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return;
        }

        ConversionsApiLog.ConfigurationChanged(logger);
        Wake();
    }
}
