using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's hosted loop, in the shape of OpenTelemetry's <c>BatchExportProcessor</c>: it drains
/// <see cref="ConversionEventQueue"/> into batches (on <see cref="ConversionsApiOptions.MaxBatchSize"/> or
/// <see cref="ConversionsApiOptions.FlushInterval"/>), drops stale records, hands each batch to
/// <see cref="BatchDelivery"/> through the <see cref="DeliveryBackoff"/> pipeline, and on shutdown drains within
/// <see cref="ConversionsApiOptions.ShutdownTimeout"/>. A changed configuration (a fixed key) ends a back-off wait at once.
/// </summary>
/// <remarks>
/// A plain <see cref="IHostedService"/> rather than a <c>BackgroundService</c>: the loop must run (and drain) even when the
/// host stops right after starting, which a <c>BackgroundService</c> whose stopping token is already cancelled skips.
/// Reads <see cref="IOptionsMonitor{TOptions}"/>: batch size, interval, back-off and key follow configuration reloads.
/// </remarks>
internal sealed class ConversionsApiSender : IHostedService, IDisposable
{
    private readonly ConversionEventQueue _queue;
    private readonly BatchDelivery _delivery;
    private readonly IOptionsMonitor<OaiqTrackingOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConversionsApiInstrumentation _instrumentation;
    private readonly ConversionsApiStatus _status;
    private readonly BatchFiller _filler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDisposable? _optionsChange;
    private CancellationTokenSource _wake = new();
    private DeliveryBackoff _backoff;
    private Task? _loop;
    private long _deliveredDuringShutdown;

    public ConversionsApiSender(
        ConversionEventQueue queue,
        BatchDelivery delivery,
        IOptionsMonitor<OaiqTrackingOptions> options,
        TimeProvider timeProvider,
        ConversionsApiInstrumentation instrumentation,
        ConversionsApiStatus status,
        ILogger<ConversionsApiSender> logger)
    {
        _queue = queue;
        _delivery = delivery;
        _options = options;
        _timeProvider = timeProvider;
        _instrumentation = instrumentation;
        _status = status;
        _logger = logger;
        _filler = new BatchFiller(queue, status, timeProvider);
        _backoff = new DeliveryBackoff(options.CurrentValue.ConversionsApi, timeProvider, OnBackoff);
        _optionsChange = options.OnChange(OnOptionsChanged);
    }

    private ConversionsApiOptions Api => _options.CurrentValue.ConversionsApi;

    private int MaxBatch => Math.Clamp(Api.MaxBatchSize, 1, ConversionsApiOptions.MaxEventsPerRequest);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Drains the queue for up to <see cref="ConversionsApiOptions.ShutdownTimeout"/> (or until <paramref name="cancellationToken"/>, the host's own deadline).</remarks>
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
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // Each send span is a root: do not hang them under whatever activity was current when the host started.
        Activity.Current = null;

        if (!_queue.IsEnabled)
        {
            // Without a pixel id all of tracking is off, and the start-up check's warning (log 70) says so and how to fix it.
            if (!_queue.LacksPixelId)
            {
                ConversionsApiLog.ServerLegOff(_logger, _queue.OffReason!);
            }

            return;
        }

        var current = _options.CurrentValue;
        var endpoint = ConversionsApiClient.BuildEventsUri(current.ConversionsApi.BaseAddress, current.PixelId);
        ConversionsApiLog.SenderStarted(_logger, current.PixelId, endpoint, MaxBatch, current.ConversionsApi.FlushInterval, _queue.Capacity, current.ConversionsApi.ValidateOnly);

        using var registration = stoppingToken.Register(static state => ((ConversionsApiSender)state!).BeginShutdown(), this);
        var batch = new List<ConversionEventRecord>(MaxBatch);
        try
        {
            while (true)
            {
                try
                {
                    await _filler.FillAsync(batch, MaxBatch, Api.FlushInterval, stoppingToken).ConfigureAwait(false);
                    if (batch.Count > 0)
                    {
                        await DeliverAsync(batch, stoppingToken).ConfigureAwait(false);
                    }
                    else if (stoppingToken.IsCancellationRequested && _queue.Count == 0)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Never crash the host and never lose the batch: log and go round again.
                    var delay = Api.BackoffDelay;
                    ConversionsApiLog.SenderLoopFailed(_logger, ex, delay);
                    await PauseAsync(delay, stoppingToken).ConfigureAwait(false);
                }
            }

            var delivered = Interlocked.Read(ref _deliveredDuringShutdown);
            ConversionsApiLog.SenderStopped(_logger, delivered);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested || stoppingToken.IsCancellationRequested)
        {
            var lost = batch.Count;
            while (_queue.TryTake(out _))
            {
                lost++;
            }

            _status.Retained = 0;
            if (lost > 0)
            {
                _instrumentation.Dropped(DropReason.Shutdown, lost);
                ConversionsApiLog.ShutdownEventsLost(_logger, Api.ShutdownTimeout, lost);
            }
        }
    }

    private void BeginShutdown()
    {
        _queue.Complete();
        _abort.CancelAfter(Api.ShutdownTimeout);
        Wake();
    }

    private void OnOptionsChanged(OaiqTrackingOptions options, string? name)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return;
        }

        _backoff = new DeliveryBackoff(options.ConversionsApi, _timeProvider, OnBackoff);
        ConversionsApiLog.ConfigurationChanged(_logger);
        Wake();
    }

    /// <summary>Ends the current back-off wait (shutdown, or a configuration change that may have fixed the cause).</summary>
    /// <remarks>The replaced source is cancelled, not disposed: the loop may be reading its token at that moment.</remarks>
    private void Wake() => Interlocked.Exchange(ref _wake, new CancellationTokenSource()).Cancel();

    /// <summary>Waits after an unexpected error; stopping ends the wait, only the shutdown deadline throws.</summary>
    private async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, stoppingToken.IsCancellationRequested ? _abort.Token : stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
        {
            // Stopping: go on draining now.
        }
    }

    /// <summary>Delivers a batch, keeping and retrying what fails, until it is empty. Throws only when the shutdown deadline passes.</summary>
    private async Task DeliverAsync(List<ConversionEventRecord> batch, CancellationToken stoppingToken)
    {
        while (true)
        {
            // While running, stopping or a configuration change ends a back-off wait early (shutdown drains at once);
            // while draining, only the shutdown deadline does.
            var waitToken = stoppingToken.IsCancellationRequested ? _abort.Token : stoppingToken;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(waitToken, Volatile.Read(ref _wake).Token);
            try
            {
                if (await _backoff.ExecuteAsync(AttemptAsync, batch, wait.Token).ConfigureAwait(false) is null)
                {
                    return;
                }

                _abort.Token.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
            {
                // Woken: try again now.
            }
        }
    }

    /// <summary>One attempt: drop what went stale, send the rest; returns the failure, or <see langword="null"/> when nothing is left.</summary>
    private async ValueTask<SendResult?> AttemptAsync(List<ConversionEventRecord> batch)
    {
        // A retry may carry newer records too: the API deduplicates on id, so the kept ones stay safe to resend.
        _filler.Drain(batch, MaxBatch);
        DropStale(batch);
        if (batch.Count == 0)
        {
            return null;
        }

        var records = batch.ToArray();
        batch.Clear();
        try
        {
            var (failure, delivered) = await _delivery.DeliverAsync(records, batch, _abort.Token).ConfigureAwait(false);
            if (_queue.IsCompleted)
            {
                Interlocked.Add(ref _deliveredDuringShutdown, delivered);
            }

            _status.Retained = batch.Count;
            if (failure is null)
            {
                _status.RecordSuccess(_timeProvider.GetUtcNow(), out var previousFailures);
                if (previousFailures > 0)
                {
                    ConversionsApiLog.Recovered(_logger, previousFailures);
                }
            }

            return failure;
        }
        finally
        {
            _status.Retained = batch.Count;
        }
    }

    private void OnBackoff(SendResult failure, TimeSpan delay)
    {
        // Runs as the pipeline decides to wait: the batch list is the kept records.
        var count = _status.Retained;
        _status.RecordFailure(_timeProvider.GetUtcNow(), failure.StatusCode is { } code
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"status {code}")
            : failure.ErrorMessage ?? "no response");
        _instrumentation.Failed(count, failure.Outcome);
        var requestId = BatchDelivery.RequestIdText(failure);
        switch (failure.Outcome)
        {
            case SendOutcome.Unauthorized:
                ConversionsApiLog.Unauthorized(_logger, failure.StatusCode ?? 0, BatchDelivery.MessageText(failure), requestId, count, delay);
                break;
            case SendOutcome.Unexpected:
                ConversionsApiLog.UnexpectedStatus(_logger, failure.StatusCode ?? 0, BatchDelivery.MessageText(failure), requestId, Api.BaseAddress, count, delay);
                break;
            default:
                var reason = failure.StatusCode is { } status
                    ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"status {status}: {failure.ErrorMessage}")
                    : failure.ErrorMessage ?? "no response";
                ConversionsApiLog.SendFailed(_logger, count, reason, delay);
                break;
        }
    }

    private void DropStale(List<ConversionEventRecord> batch)
    {
        var now = _timeProvider.GetUtcNow();
        var oldest = now - ConversionEventQueue.MaxEventAge;
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            var record = batch[i];
            if (record.Timestamp < oldest)
            {
                batch.RemoveAt(i);
                _instrumentation.Dropped(DropReason.Stale);
                ConversionsApiLog.StaleEventDropped(_logger, record.Id, record.EventType, now - record.Timestamp);
            }
        }
    }
}
