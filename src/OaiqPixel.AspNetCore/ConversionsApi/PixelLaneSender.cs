using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// One pixel's sender loop, in the shape of OpenTelemetry's <c>BatchExportProcessor</c>: it drains the pixel's
/// <see cref="PixelLane"/> into batches (on <see cref="ConversionsApiOptions.MaxBatchSize"/> or
/// <see cref="ConversionsApiOptions.FlushInterval"/> since the batch's first record) and hands each
/// batch to <see cref="BatchDelivery"/> (which drops stale records), waiting out its own <see cref="DeliveryBackoff"/> between tries, so a pixel whose key is refused,
/// whose events are poisoned or whose requests time out waits alone while every other pixel's loop goes on.
/// </summary>
/// <remarks>
/// Its log lines carry the pixel in a scope (<c>PixelId</c>), as the messages predate several pixels. Records out of the
/// lane but not delivered yet stay counted in the queue-length gauge and the health check (<see cref="PixelLane.Retained"/>).
/// </remarks>
internal sealed class PixelLaneSender(
    PixelLane lane,
    ConversionEventQueue queue,
    BatchDelivery delivery,
    IOptionsMonitor<OaiqTrackingOptions> options,
    TimeProvider timeProvider,
    ConversionsApiInstrumentation instrumentation,
    ILogger logger,
    Func<CancellationToken> wakeToken, // the current token that ends a back-off wait (shutdown, or a configuration change)
    CancellationToken abort) // the shutdown deadline
{
    /// <summary>The lane this loop drains.</summary>
    public PixelLane Lane => lane;

    /// <summary>The records delivered after shutdown began.</summary>
    public long DeliveredDuringShutdown { get; private set; }

    /// <summary>The records lost when the shutdown deadline cut the loop.</summary>
    public int Lost { get; private set; }

    private ConversionsApiOptions Api => options.CurrentValue.ConversionsApi;

    /// <summary>Runs until stopping and drained, or until the shutdown deadline (then counts what is lost).</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var scope = logger.BeginScope(new[] { new KeyValuePair<string, object?>("PixelId", lane.PixelId) });
        var batch = new List<ConversionEventRecord>(Api.BatchSize);
        try
        {
            while (true)
            {
                try
                {
                    var idle = await FillAsync(batch, stoppingToken).ConfigureAwait(false);
                    if (batch.Count > 0)
                    {
                        await DeliverAsync(batch, stoppingToken).ConfigureAwait(false);
                    }
                    else if ((stoppingToken.IsCancellationRequested || lane.IsRetired) && lane.Backlog.Count == 0)
                    {
                        // Stopped and drained, or retired and drained of what came in before the retirement.
                        break;
                    }
                    else if (idle)
                    {
                        queue.TryRetire(lane, Api.PixelIdleTimeout);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Never crash the host and never lose the batch: log and go round again.
                    var delay = Api.BackoffDelay;
                    ConversionsApiLog.SenderLoopFailed(logger, ex, delay);
                    await PauseAsync(delay, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested || stoppingToken.IsCancellationRequested)
        {
            var lost = batch.Count;
            while (lane.Backlog.TryTake(out _))
            {
                lost++;
            }

            lane.Retained = 0;
            Lost = lost;
        }
    }

    /// <summary>Fills an empty batch: returns when it is full, when the flush interval since its first record has passed, or at once when stopping.</summary>
    /// <returns><see langword="true"/> when no record came within <see cref="ConversionsApiOptions.PixelIdleTimeout"/> (the lane may be retired).</returns>
    private async Task<bool> FillAsync(List<ConversionEventRecord> batch, CancellationToken stoppingToken)
    {
        var max = Api.BatchSize;
        Drain(batch, max);
        if (batch.Count == 0 && !stoppingToken.IsCancellationRequested)
        {
            // An asynchronous wait: an idle lane holds no thread, only this continuation and its timer.
            using var idle = new CancellationTokenSource(Api.PixelIdleTimeout, timeProvider);
            await WaitForRecordsAsync(batch, 1, max, idle.Token, stoppingToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return idle.IsCancellationRequested && !stoppingToken.IsCancellationRequested;
            }
        }

        if (batch.Count < max && Api.FlushInterval > TimeSpan.Zero && !stoppingToken.IsCancellationRequested)
        {
            // One timer per batch: wait for more records until the batch is full or the interval is over.
            using var flush = new CancellationTokenSource(Api.FlushInterval, timeProvider);
            await WaitForRecordsAsync(batch, max, max, flush.Token, stoppingToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Moves records into the batch as they come until it holds <paramref name="until"/>, the timer ends, stopping begins or the lane completes.</summary>
    private async Task WaitForRecordsAsync(List<ConversionEventRecord> batch, int until, int max, CancellationToken timer, CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer, stoppingToken);
        try
        {
            while (batch.Count < until && await lane.Backlog.WaitToReadAsync(linked.Token).ConfigureAwait(false))
            {
                Drain(batch, max);
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            Drain(batch, max);
        }
    }

    /// <summary>Moves records from the lane into the batch, up to <paramref name="max"/>.</summary>
    private void Drain(List<ConversionEventRecord> batch, int max)
    {
        while (batch.Count < max && lane.Backlog.TryTake(out var record))
        {
            batch.Add(record);
        }

        lane.Retained = batch.Count;
    }

    /// <summary>Waits after an unexpected error; stopping ends the wait, only the shutdown deadline throws.</summary>
    private async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, stoppingToken.IsCancellationRequested ? abort : stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            // Stopping: go on draining now.
        }
    }

    /// <summary>Delivers a batch, keeping what fails and retrying it after the back-off, until it is empty. Throws only when the shutdown deadline passes.</summary>
    private async Task DeliverAsync(List<ConversionEventRecord> batch, CancellationToken stoppingToken)
    {
        for (var failures = 1; ; failures++)
        {
            // While running, stopping or a configuration change ends a back-off wait early (shutdown drains at once);
            // while draining, only the shutdown deadline does.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken.IsCancellationRequested ? abort : stoppingToken, wakeToken());
            if (await AttemptAsync(batch).ConfigureAwait(false) is not { } failure)
            {
                return;
            }

            try
            {
                wait.Token.ThrowIfCancellationRequested();
                var delay = DeliveryBackoff.NextDelay(Api, failures, failure.RetryAfter);
                OnBackoff(failure, delay);
                await Task.Delay(delay, timeProvider, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!abort.IsCancellationRequested)
            {
                // Woken: try again now, with the back-off from the start.
                failures = 0;
            }
        }
    }

    /// <summary>
    /// One attempt: send the batch (the delivery drops what went stale while it waited, <see cref="BatchDelivery"/>);
    /// returns the failure, or <see langword="null"/> when nothing is left.
    /// </summary>
    private async ValueTask<SendResult?> AttemptAsync(List<ConversionEventRecord> batch)
    {
        // A retry may carry newer records too: the API deduplicates on id, so the kept ones stay safe to resend.
        Drain(batch, Api.BatchSize);
        if (batch.Count == 0)
        {
            return null;
        }

        var records = batch.ToArray();
        batch.Clear();
        try
        {
            var (failure, delivered, stale) = await delivery.DeliverAsync(records, batch, deadLettered: null, stale: null, abort).ConfigureAwait(false);
            if (queue.IsCompleted)
            {
                DeliveredDuringShutdown += delivered;
            }

            // A batch that went stale whole reached no API: it says nothing about the pixel's health.
            if (failure is null && stale < records.Length)
            {
                var previousFailures = lane.RecordSuccess(timeProvider.GetUtcNow());
                if (previousFailures > 0)
                {
                    ConversionsApiLog.Recovered(logger, previousFailures);
                }
            }

            return failure;
        }
        finally
        {
            lane.Retained = batch.Count;
        }
    }

    private void OnBackoff(SendResult failure, TimeSpan delay)
    {
        // The batch list is the kept records.
        var count = lane.Retained;
        lane.RecordFailure(timeProvider.GetUtcNow(), failure.StatusCode is { } code
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"status {code}")
            : failure.ErrorMessage ?? "no response");
        instrumentation.Failed(count, failure.Outcome, lane.MetricTag);
        var requestId = BatchDelivery.RequestIdText(failure);
        switch (failure.Outcome)
        {
            case SendOutcome.Unauthorized:
                ConversionsApiLog.Unauthorized(logger, failure.StatusCode ?? 0, BatchDelivery.MessageText(failure), requestId, count, delay);
                break;
            case SendOutcome.Unexpected:
                ConversionsApiLog.UnexpectedStatus(logger, failure.StatusCode ?? 0, BatchDelivery.MessageText(failure), requestId, Api.BaseAddress, count, delay);
                break;
            default:
                var reason = failure.StatusCode is { } status
                    ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"status {status}: {failure.ErrorMessage}")
                    : failure.ErrorMessage ?? "no response";
                ConversionsApiLog.SendFailed(logger, count, reason, delay);
                break;
        }
    }
}
