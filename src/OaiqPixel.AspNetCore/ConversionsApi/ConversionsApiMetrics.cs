using System.Diagnostics.Metrics;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's instruments on the <c>OaiqPixel</c> meter: <c>oaiq.events.enqueued</c>, <c>oaiq.events.sent</c>,
/// <c>oaiq.events.failed</c>, <c>oaiq.events.dropped</c> (tag <c>reason</c>), <c>oaiq.batches</c> (tag <c>outcome</c>),
/// <c>oaiq.batch.splits</c>, <c>oaiq.send.duration</c> and the <c>oaiq.queue.length</c> gauge.
/// </summary>
internal sealed class ConversionsApiMetrics
{
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _splits;
    private readonly Histogram<double> _sendDuration;
    private Func<int>? _queueLength;

    public ConversionsApiMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ConversionsApiTelemetry.Name);
        _enqueued = meter.CreateCounter<long>("oaiq.events.enqueued", "{event}", "Events accepted into the Conversions API queue.");
        _sent = meter.CreateCounter<long>("oaiq.events.sent", "{event}", "Events the Conversions API accepted.");
        _failed = meter.CreateCounter<long>("oaiq.events.failed", "{event}", "Events in requests that failed after retries (kept and retried later).");
        _dropped = meter.CreateCounter<long>("oaiq.events.dropped", "{event}", "Events given up on, by reason: queue_full, stale, invalid, dead_letter, consent, shutdown, prefetch, not_navigation, bot.");
        _batches = meter.CreateCounter<long>("oaiq.batches", "{request}", "Conversions API requests, by outcome.");
        _splits = meter.CreateCounter<long>("oaiq.batch.splits", "{split}", "Rejected batches split in two to isolate invalid events.");
        _sendDuration = meter.CreateHistogram<double>("oaiq.send.duration", "s", "Duration of one Conversions API request including its retries.");
        meter.CreateObservableGauge("oaiq.queue.length", () => _queueLength?.Invoke() ?? 0, "{event}", "Events waiting to be sent (queued or kept for a retry).");
    }

    /// <summary>Sets the source of the queue-length gauge (the queue and the sender's retained batch).</summary>
    public void ObserveQueueLength(Func<int> queueLength) => _queueLength = queueLength;

    public void Enqueued() => _enqueued.Add(1);

    public void Sent(int count) => _sent.Add(count);

    public void Failed(int count, SendOutcome outcome) =>
        _failed.Add(count, new KeyValuePair<string, object?>("outcome", SendResult.OutcomeName(outcome)));

    public void Dropped(string reason, long count = 1) =>
        _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));

    public void Batch(SendOutcome outcome, double seconds)
    {
        var tag = new KeyValuePair<string, object?>("outcome", SendResult.OutcomeName(outcome));
        _batches.Add(1, tag);
        _sendDuration.Record(seconds, tag);
    }

    public void Split() => _splits.Add(1);
}
