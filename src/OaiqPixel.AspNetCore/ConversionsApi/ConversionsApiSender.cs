using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Drains <see cref="ConversionEventQueue"/> into batches (flushed on <see cref="ConversionsApiOptions.MaxBatchSize"/> or
/// <see cref="ConversionsApiOptions.FlushInterval"/>) and delivers them. Stale events are dropped before sending; a
/// rejected batch is split in halves until each invalid event is alone and dead-lettered; any other failure keeps the
/// events and retries with a capped exponential back-off. On shutdown it drains within
/// <see cref="ConversionsApiOptions.ShutdownTimeout"/>.
/// </summary>
/// <remarks>
/// A plain <see cref="IHostedService"/> rather than a <c>BackgroundService</c>: the loop must run (and drain) even when the
/// host stops right after starting, which a <c>BackgroundService</c> whose stopping token is already cancelled skips.
/// </remarks>
internal sealed class ConversionsApiSender : IHostedService, IDisposable
{
    private readonly ConversionEventQueue _queue;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ITypedHttpClientFactory<ConversionsApiClient> _typedClientFactory;
    private readonly IOptionsMonitor<OaiqTrackingOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConversionsApiMetrics _metrics;
    private readonly ConversionsApiStatus _status;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private long _deliveredDuringShutdown;

    public ConversionsApiSender(
        ConversionEventQueue queue,
        IHttpClientFactory httpClientFactory,
        ITypedHttpClientFactory<ConversionsApiClient> typedClientFactory,
        IOptionsMonitor<OaiqTrackingOptions> options,
        TimeProvider timeProvider,
        ConversionsApiMetrics metrics,
        ConversionsApiStatus status,
        ILogger<ConversionsApiSender> logger)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(typedClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(logger);
        _queue = queue;
        _httpClientFactory = httpClientFactory;
        _typedClientFactory = typedClientFactory;
        _options = options;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _status = status;
        _logger = logger;
    }

    private ConversionsApiOptions Api => _options.CurrentValue.ConversionsApi;

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
        _stopping.Cancel();
        _abort.Cancel();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // Each batch span is a root: do not hang them under whatever activity was current when the host started.
        Activity.Current = null;

        if (!_queue.IsEnabled)
        {
            ConversionsApiLog.ServerLegOff(_logger, _queue.OffReason!);
            return;
        }

        var current = _options.CurrentValue;
        var endpoint = ConversionsApiClient.BuildEventsUri(current.ConversionsApi.BaseAddress, current.PixelId);
        ConversionsApiLog.SenderStarted(_logger, current.PixelId, endpoint, current.ConversionsApi.MaxBatchSize, current.ConversionsApi.FlushInterval,
            _queue.Capacity, current.ConversionsApi.ValidateOnly);

        using var registration = stoppingToken.Register(static state => ((ConversionsApiSender)state!).BeginShutdown(), this);
        var batch = new List<byte[]>(Math.Clamp(Api.MaxBatchSize, 1, ConversionsApiSerializer.MaxBatchSize));
        try
        {
            while (true)
            {
                try
                {
                    await FillAsync(batch, stoppingToken).ConfigureAwait(false);
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
                    var delay = Api.RetryDelay;
                    ConversionsApiLog.SenderLoopFailed(_logger, ex, delay);
                    await WaitAsync(delay, stoppingToken).ConfigureAwait(false);
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
                _metrics.Dropped(DropReason.Shutdown, lost);
                ConversionsApiLog.ShutdownEventsLost(_logger, Api.ShutdownTimeout, lost);
            }
        }
    }

    private void BeginShutdown()
    {
        _queue.Complete();
        _abort.CancelAfter(Api.ShutdownTimeout);
    }

    /// <summary>Fills an empty batch: returns when it is full, when the flush interval since its first event has passed, or at once when stopping.</summary>
    private async Task FillAsync(List<byte[]> batch, CancellationToken stoppingToken)
    {
        var api = Api;
        var max = Math.Clamp(api.MaxBatchSize, 1, ConversionsApiSerializer.MaxBatchSize);
        Drain(batch, max);
        if (batch.Count >= max || stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (batch.Count == 0)
        {
            try
            {
                if (!await _queue.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                Drain(batch, max);
                return;
            }

            Drain(batch, max);
        }

        if (batch.Count >= max || api.FlushInterval <= TimeSpan.Zero)
        {
            return;
        }

        // One timer per batch: wait for more events until the batch is full or the interval is over.
        using var interval = new CancellationTokenSource(api.FlushInterval, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(interval.Token, stoppingToken);
        while (batch.Count < max)
        {
            try
            {
                if (!await _queue.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                Drain(batch, max);
                return;
            }

            Drain(batch, max);
        }
    }

    private void Drain(List<byte[]> batch, int max)
    {
        while (batch.Count < max && _queue.TryTake(out var item))
        {
            batch.Add(item);
        }

        // Out of the channel but not delivered yet: still counted in the queue-length gauge and the health check.
        _status.Retained = batch.Count;
    }

    /// <summary>Delivers a batch, keeping and retrying what fails, until it is empty. Throws only when the shutdown deadline passes.</summary>
    private async Task DeliverAsync(List<byte[]> batch, CancellationToken stoppingToken)
    {
        var backoff = Api.RetryDelay;
        while (true)
        {
            DropStale(batch);
            if (batch.Count == 0)
            {
                _status.Retained = 0;
                return;
            }

            var failure = await SendSplittingAsync(batch, _abort.Token).ConfigureAwait(false);
            if (failure is not { } result)
            {
                _status.Retained = 0;
                _status.RecordSuccess(_timeProvider.GetUtcNow(), out var previousFailures);
                if (previousFailures > 0)
                {
                    ConversionsApiLog.Recovered(_logger, previousFailures);
                }

                return;
            }

            _status.Retained = batch.Count;
            var api = Api;
            var delay = backoff;
            if (result.RetryAfter is { } retryAfter && retryAfter > delay)
            {
                delay = retryAfter;
            }

            delay = delay > api.MaxRetryDelay ? api.MaxRetryDelay : delay;
            ReportFailure(result, batch.Count, delay, api);
            _metrics.Failed(batch.Count, result.Outcome);

            await WaitAsync(delay, stoppingToken).ConfigureAwait(false);

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, api.MaxRetryDelay.Ticks));

            // The retry may carry newer events too: the API deduplicates on id, so the kept ones stay safe to resend.
            Drain(batch, Math.Clamp(api.MaxBatchSize, 1, ConversionsApiSerializer.MaxBatchSize));
        }
    }

    /// <summary>
    /// Waits before a retry. While running, stopping ends the wait early so shutdown can drain at once; while draining,
    /// only the shutdown deadline ends it, by throwing.
    /// </summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        var token = stoppingToken.IsCancellationRequested ? _abort.Token : stoppingToken;
        try
        {
            await Task.Delay(delay, _timeProvider, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
        {
            // Stopping: go on draining now.
        }
    }

    private void ReportFailure(SendResult result, int count, TimeSpan delay, ConversionsApiOptions api)
    {
        var description = result.StatusCode is { } code
            ? string.Create(CultureInfo.InvariantCulture, $"status {code}")
            : result.ErrorMessage ?? "no response";
        _status.RecordFailure(_timeProvider.GetUtcNow(), description);
        switch (result.Outcome)
        {
            case SendOutcome.Unauthorized:
                ConversionsApiLog.Unauthorized(_logger, result.StatusCode ?? 0, result.ErrorMessage, result.RequestId, count, delay);
                break;
            case SendOutcome.Unexpected:
                ConversionsApiLog.UnexpectedStatus(_logger, result.StatusCode ?? 0, result.ErrorMessage, result.RequestId, api.BaseAddress, count, delay);
                break;
            default:
                var reason = result.StatusCode is { } status
                    ? string.Create(CultureInfo.InvariantCulture, $"status {status}: {result.ErrorMessage}")
                    : result.ErrorMessage ?? "no response";
                ConversionsApiLog.SendFailed(_logger, count, reason, delay);
                break;
        }
    }

    private void DropStale(List<byte[]> batch)
    {
        var now = _timeProvider.GetUtcNow();
        var oldest = now - ConversionEventQueue.MaxEventAge;
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (ConversionEventPacker.ReadTimestamp(batch[i]) < oldest)
            {
                var item = ConversionEventPacker.Unpack(batch[i]);
                batch.RemoveAt(i);
                _metrics.Dropped(DropReason.Stale);
                ConversionsApiLog.StaleEventDropped(_logger, item.Id, item.Event, now - item.Timestamp);
            }
        }
    }

    /// <summary>
    /// Sends the batch, splitting rejected parts in halves. On return the batch holds only the events kept for a retry;
    /// the result describes the failure that stopped delivery, or is <see langword="null"/> when nothing is left.
    /// </summary>
    private async Task<SendResult?> SendSplittingAsync(List<byte[]> batch, CancellationToken cancellationToken)
    {
        var items = batch.ToArray();
        batch.Clear();
        var state = new SplitState(CreateClient(), items, batch);
        try
        {
            await SendSegmentAsync(state, 0, items.Length, knownBad: false, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The shutdown deadline cut a request: hand back what was neither delivered nor dead-lettered, to be counted.
            for (var i = 0; i < items.Length; i++)
            {
                if (!state.Handled[i])
                {
                    batch.Add(items[i]);
                }
            }

            throw;
        }

        return state.Failure;
    }

    private ConversionsApiClient CreateClient() =>
        _typedClientFactory.CreateClient(_httpClientFactory.CreateClient(ConversionsApiClient.HttpClientName));

    /// <summary>
    /// Sends <c>items[offset..offset+count]</c>. A rejected segment is split; when its left half is accepted the right half
    /// must hold the invalid event, so it is split again without being sent (a lone event is always sent, to confirm it and
    /// get its own error message). With k invalid events among n this costs O(k·log n) extra requests.
    /// </summary>
    /// <returns><see langword="true"/> when every event of the segment was accepted.</returns>
    private async Task<bool> SendSegmentAsync(SplitState state, int offset, int count, bool knownBad, CancellationToken cancellationToken)
    {
        if (state.Failure is not null)
        {
            // An earlier part failed for a reason splitting cannot fix: keep the rest for the retry.
            state.Retain(offset, count);
            return false;
        }

        if (!knownBad || count == 1)
        {
            var segment = new ArraySegment<byte[]>(state.Items, offset, count);
            var result = await SendOnceAsync(state.Client, segment, cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case SendOutcome.Delivered:
                    state.MarkHandled(offset, count);
                    _metrics.Sent(count);
                    if (_abort.IsCancellationRequested || _queue.IsCompleted)
                    {
                        Interlocked.Add(ref _deliveredDuringShutdown, count);
                    }

                    return true;
                case SendOutcome.Rejected when count == 1:
                    state.MarkHandled(offset, 1);
                    DeadLetter(state.Items[offset], result);
                    return false;
                case SendOutcome.Rejected:
                    ConversionsApiLog.BatchRejected(_logger, count, result.StatusCode ?? 0, result.ErrorMessage, result.RequestId);
                    break;
                default:
                    state.Failure = result;
                    state.Retain(offset, count);
                    return false;
            }
        }

        _metrics.Split();
        var left = count / 2;
        ConversionsApiLog.BatchSplit(_logger, count, left, count - left, knownBad ? " (known to hold an invalid event, not resent)" : string.Empty);
        var leftAccepted = await SendSegmentAsync(state, offset, left, knownBad: false, cancellationToken).ConfigureAwait(false);
        await SendSegmentAsync(state, offset + left, count - left, knownBad: leftAccepted, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private async Task<SendResult> SendOnceAsync(ConversionsApiClient client, ArraySegment<byte[]> events, CancellationToken cancellationToken)
    {
        using var activity = ConversionsApiTelemetry.ActivitySource.StartActivity(ConversionsApiTelemetry.SendActivityName, ActivityKind.Client);
        if (activity is not null)
        {
            var baseAddress = Api.BaseAddress;
            activity.SetTag("oaiq.batch.size", events.Count);
            activity.SetTag("server.address", baseAddress.Host);
            activity.SetTag("server.port", baseAddress.Port);
        }

        var started = _timeProvider.GetTimestamp();
        var result = await client.SendAsync(events, cancellationToken).ConfigureAwait(false);
        var elapsed = _timeProvider.GetElapsedTime(started);
        _metrics.Batch(result.Outcome, elapsed.TotalSeconds);
        if (activity is not null)
        {
            activity.SetTag("oaiq.send.outcome", SendResult.OutcomeName(result.Outcome));
            if (result.StatusCode is { } code)
            {
                activity.SetTag("http.response.status_code", code);
            }

            if (result.Outcome != SendOutcome.Delivered)
            {
                activity.SetStatus(ActivityStatusCode.Error, SendResult.OutcomeName(result.Outcome));
            }
        }

        if (result.Outcome == SendOutcome.Delivered)
        {
            ConversionsApiLog.BatchSent(_logger, events.Count, elapsed.TotalMilliseconds, result.StatusCode ?? 0);
        }

        return result;
    }

    private void DeadLetter(byte[] packed, SendResult result)
    {
        var item = ConversionEventPacker.Unpack(packed);
        _metrics.Dropped(DropReason.DeadLetter);
        var status = result.StatusCode ?? 0;
        ConversionsApiLog.EventDeadLettered(_logger, item.Id, item.Event, status, result.ErrorMessage, result.RequestId);
        if (Api.OnDeadLetter is { } callback)
        {
            try
            {
                callback(new DeadLetteredEvent(item, status, result.ErrorMessage, result.RequestId, _timeProvider.GetUtcNow()));
            }
            catch (Exception ex)
            {
                ConversionsApiLog.DeadLetterCallbackFailed(_logger, ex, item.Id, item.Event);
            }
        }
    }

    /// <summary>The state of one split-and-send round.</summary>
    private sealed class SplitState(ConversionsApiClient client, byte[][] items, List<byte[]> retained)
    {
        public ConversionsApiClient Client { get; } = client;

        public byte[][] Items { get; } = items;

        public List<byte[]> Retained { get; } = retained;

        /// <summary>Which items were delivered, dead-lettered or put back for a retry.</summary>
        public bool[] Handled { get; } = new bool[items.Length];

        public SendResult? Failure { get; set; }

        public void MarkHandled(int offset, int count) => Handled.AsSpan(offset, count).Fill(true);

        public void Retain(int offset, int count)
        {
            Retained.AddRange(new ArraySegment<byte[]>(Items, offset, count));
            MarkHandled(offset, count);
        }
    }
}
