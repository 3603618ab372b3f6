using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// One pixel's sender loop, in the shape of OpenTelemetry's <c>BatchExportProcessor</c>: it drains the pixel's
/// <see cref="PixelLane"/> into batches (on <see cref="ConversionsApiOptions.MaxBatchSize"/> or
/// <see cref="ConversionsApiOptions.FlushInterval"/>), drops stale records, and hands each batch to
/// <see cref="BatchDelivery"/> through its own <see cref="DeliveryBackoff"/>, so a pixel whose key is refused, whose
/// events are poisoned or whose requests time out waits alone while every other pixel's loop goes on.
/// </summary>
/// <remarks>Its log lines carry the pixel in a scope (<c>PixelId</c>), as the messages predate several pixels.</remarks>
internal sealed class PixelLaneSender : IDisposable
{
    private readonly PixelLane _lane;

    /// <summary>The lane this loop drains.</summary>
    public PixelLane Lane => _lane;
    private readonly ConversionEventQueue _queue;
    private readonly BatchDelivery _delivery;
    private readonly IOptionsMonitor<OaiqTrackingOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConversionsApiInstrumentation _instrumentation;
    private readonly BatchFiller _filler;
    private readonly ILogger _logger;
    private readonly CancellationToken _abort;
    private CancellationTokenSource _wake = new();
    private DeliveryBackoff _backoff;

    public PixelLaneSender(PixelLane lane, ConversionEventQueue queue, BatchDelivery delivery, IOptionsMonitor<OaiqTrackingOptions> options, TimeProvider timeProvider, ConversionsApiInstrumentation instrumentation, ILogger logger, CancellationToken abort)
    {
        _lane = lane;
        _queue = queue;
        _delivery = delivery;
        _options = options;
        _timeProvider = timeProvider;
        _instrumentation = instrumentation;
        _logger = logger;
        _abort = abort;
        _filler = new BatchFiller(lane, timeProvider);
        _backoff = new DeliveryBackoff(options.CurrentValue.ConversionsApi, timeProvider, OnBackoff);
    }

    /// <summary>The records delivered after shutdown began.</summary>
    public long DeliveredDuringShutdown { get; private set; }

    /// <summary>The records lost when the shutdown deadline cut the loop.</summary>
    public int Lost { get; private set; }

    private ConversionsApiOptions Api => _options.CurrentValue.ConversionsApi;

    private int MaxBatch => Math.Clamp(Api.MaxBatchSize, 1, ConversionsApiOptions.MaxEventsPerRequest);

    /// <summary>Takes new back-off settings and ends the current wait (a configuration change may have fixed the cause).</summary>
    public void OnOptionsChanged(ConversionsApiOptions api)
    {
        _backoff = new DeliveryBackoff(api, _timeProvider, OnBackoff);
        Wake();
    }

    /// <summary>Ends the current back-off wait (shutdown, or a configuration change).</summary>
    /// <remarks>The replaced source is cancelled, not disposed: the loop may be reading its token at that moment.</remarks>
    public void Wake() => Interlocked.Exchange(ref _wake, new CancellationTokenSource()).Cancel();

    /// <summary>Ends a wait in progress; the token source is cancelled, not disposed (the loop may be reading its token).</summary>
    public void Dispose() => Volatile.Read(ref _wake).Cancel();

    /// <summary>Runs until stopping and drained, or until the shutdown deadline (then counts what is lost).</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var scope = _logger.BeginScope(new[] { new KeyValuePair<string, object?>("PixelId", _lane.PixelId) });
        var batch = new List<ConversionEventRecord>(MaxBatch);
        try
        {
            while (true)
            {
                try
                {
                    var idle = await _filler.FillAsync(batch, MaxBatch, Api.FlushInterval, Api.PixelIdleTimeout, stoppingToken).ConfigureAwait(false);
                    if (batch.Count > 0)
                    {
                        await DeliverAsync(batch, stoppingToken).ConfigureAwait(false);
                    }
                    else if ((stoppingToken.IsCancellationRequested || _lane.IsRetired) && _lane.Backlog.Count == 0)
                    {
                        // Stopped and drained, or retired and drained of what came in before the retirement.
                        break;
                    }
                    else if (idle)
                    {
                        _queue.TryRetire(_lane, Api.PixelIdleTimeout);
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
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested || stoppingToken.IsCancellationRequested)
        {
            var lost = batch.Count;
            while (_lane.Backlog.TryTake(out _))
            {
                lost++;
            }

            _lane.Status.Retained = 0;
            Lost = lost;
        }
    }

    /// <summary>Waits after an unexpected error; stopping ends the wait, only the shutdown deadline throws.</summary>
    private async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, stoppingToken.IsCancellationRequested ? _abort : stoppingToken).ConfigureAwait(false);
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
            var waitToken = stoppingToken.IsCancellationRequested ? _abort : stoppingToken;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(waitToken, Volatile.Read(ref _wake).Token);
            try
            {
                if (await _backoff.ExecuteAsync(AttemptAsync, batch, wait.Token).ConfigureAwait(false) is null)
                {
                    return;
                }

                _abort.ThrowIfCancellationRequested();
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
            var (failure, delivered) = await _delivery.DeliverAsync(records, batch, _abort).ConfigureAwait(false);
            if (_queue.IsCompleted)
            {
                DeliveredDuringShutdown += delivered;
            }

            _lane.Status.Retained = batch.Count;
            if (failure is null)
            {
                _lane.Status.RecordSuccess(_timeProvider.GetUtcNow(), out var previousFailures);
                if (previousFailures > 0)
                {
                    ConversionsApiLog.Recovered(_logger, previousFailures);
                }
            }

            return failure;
        }
        finally
        {
            _lane.Status.Retained = batch.Count;
        }
    }

    private void OnBackoff(SendResult failure, TimeSpan delay)
    {
        // Runs as the pipeline decides to wait: the batch list is the kept records.
        var count = _lane.Status.Retained;
        _lane.Status.RecordFailure(_timeProvider.GetUtcNow(), failure.StatusCode is { } code
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"status {code}")
            : failure.ErrorMessage ?? "no response");
        _instrumentation.Failed(count, failure.Outcome, _lane.MetricTag);
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
        var oldest = now - ConversionEventRecord.MaxAge;
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
