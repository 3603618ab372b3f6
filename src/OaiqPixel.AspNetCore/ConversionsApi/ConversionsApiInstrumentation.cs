using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's metrics and traces, in OpenTelemetry's conventions: instruments on the <see cref="OaiqTelemetry.MeterName"/>
/// meter with <c>oaiq.</c>-namespaced attributes, and one <see cref="ActivityKind.Internal"/> span per Conversions API request
/// (the <see cref="HttpClient"/> below it makes the client span), linked to the traced requests whose events it carries.
/// </summary>
internal sealed class ConversionsApiInstrumentation
{
    /// <summary>The span name of one Conversions API request.</summary>
    public const string SendActivityName = "oaiq.conversions_api.send";

    /// <summary>The attribute holding a send's outcome (<c>delivered</c>, <c>rejected</c>, <c>unauthorized</c>, <c>transient</c>, <c>unexpected</c>).</summary>
    public const string OutcomeAttribute = "oaiq.send.outcome";

    /// <summary>The attribute holding why an event was given up on (<see cref="DropReason"/>).</summary>
    public const string DropReasonAttribute = "oaiq.drop.reason";

    /// <summary>The attribute naming the pixel (its Pixel ID, or <c>other</c> past <see cref="PixelMetricTags.MaxDistinct"/> pixels).</summary>
    public const string PixelAttribute = "oaiq.pixel";

    /// <summary>The attribute naming one match key an event carries (<see cref="ConversionEventMatchKeys"/> in snake case, or <c>none</c>).</summary>
    public const string MatchKeyAttribute = "oaiq.match_key";

    /// <summary>The attribute holding an event's type (its <c>type</c>, one of the spec's event names, spec §3.1).</summary>
    public const string EventTypeAttribute = "oaiq.event.type";

    /// <summary>The most request spans one send span links to.</summary>
    public const int MaxLinks = 32;

    private static readonly ActivitySource s_activitySource = new(OaiqTelemetry.ActivitySourceName, typeof(ConversionsApiInstrumentation).Assembly.GetName().Version?.ToString());

    // Seconds: a loopback send takes milliseconds, a retried one up to TotalRequestTimeout (60 s by default).
    private static readonly double[] s_durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _splits;
    private readonly Histogram<double> _sendDuration;
    private readonly Counter<long> _matchKeys;

    // Running totals of what the counters above count, for the support bundle (a Meter cannot be read back).
    private readonly ConcurrentDictionary<string, long> _droppedTotals = new(StringComparer.Ordinal);
    private long _enqueuedTotal;
    private long _sentTotal;
    private long _failedTotal;
    private Func<IEnumerable<Measurement<int>>>? _queueLength;

    public ConversionsApiInstrumentation(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(OaiqTelemetry.MeterName);
        _enqueued = meter.CreateCounter<long>("oaiq.events.enqueued", "{event}", "Events accepted into the Conversions API queue.");
        _sent = meter.CreateCounter<long>("oaiq.events.sent", "{event}", "Events the Conversions API accepted.");
        _failed = meter.CreateCounter<long>("oaiq.events.failed", "{event}", "Events in requests that failed after retries (kept and retried later).");
        _dropped = meter.CreateCounter<long>("oaiq.events.dropped", "{event}", "Events given up on, by oaiq.drop.reason.");
        _batches = meter.CreateCounter<long>("oaiq.batches", "{request}", "Conversions API requests, by oaiq.send.outcome.");
        _splits = meter.CreateCounter<long>("oaiq.batch.splits", "{split}", "Rejected batches split in two to isolate invalid events.");
        _sendDuration = meter.CreateHistogram(
            "oaiq.send.duration",
            "s",
            "Duration of one Conversions API request including its retries.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        _matchKeys = meter.CreateCounter<long>("oaiq.events.match_keys", "{event}", "Server events written, once for each match key they carry, by oaiq.match_key (none for an event without any) and oaiq.event.type.");
        meter.CreateObservableGauge("oaiq.queue.length", () => _queueLength?.Invoke() ?? [], "{event}", "Events waiting to be sent (queued or kept for a retry), by oaiq.pixel.");
    }

    /// <summary>Sets the source of the queue-length gauge: one measurement per <c>oaiq.pixel</c> value (the lanes and what their senders hold).</summary>
    public void ObserveQueueLength(Func<IEnumerable<Measurement<int>>> queueLength) => _queueLength = queueLength;

    /// <summary>Events accepted into the in-memory queue since start.</summary>
    public long EnqueuedTotal => Interlocked.Read(ref _enqueuedTotal);

    /// <summary>Events the Conversions API accepted since start.</summary>
    public long SentTotal => Interlocked.Read(ref _sentTotal);

    /// <summary>Events in requests that failed after retries since start (each try counted).</summary>
    public long FailedTotal => Interlocked.Read(ref _failedTotal);

    /// <summary>Events given up on since start, by <see cref="DropReason"/>.</summary>
    public IReadOnlyDictionary<string, long> DroppedTotals => new SortedDictionary<string, long>(_droppedTotals, StringComparer.Ordinal);

    public void Enqueued(string pixelTag)
    {
        Interlocked.Increment(ref _enqueuedTotal);
        _enqueued.Add(1, Pixel(pixelTag));
    }

    public void Sent(int count, string pixelTag)
    {
        Interlocked.Add(ref _sentTotal, count);
        _sent.Add(count, Pixel(pixelTag));
    }

    public void Failed(int count, SendOutcome outcome, string pixelTag)
    {
        Interlocked.Add(ref _failedTotal, count);
        _failed.Add(count, Outcome(outcome), Pixel(pixelTag));
    }

    public void Dropped(string reason, long count = 1)
    {
        _droppedTotals.AddOrUpdate(reason, static (_, n) => n, static (_, total, n) => total + n, count);
        _dropped.Add(count, new KeyValuePair<string, object?>(DropReasonAttribute, reason));
    }

    /// <summary>
    /// Counts one written event's match keys: one measurement per key it carries, or one <c>none</c>. The attributes are
    /// bounded: 15 key values and the spec's event names.
    /// </summary>
    public void MatchKeys(string eventType, ConversionEventMatchKeys keys)
    {
        if (!_matchKeys.Enabled)
        {
            return;
        }

        var type = new KeyValuePair<string, object?>(EventTypeAttribute, eventType);
        if (keys == ConversionEventMatchKeys.None)
        {
            _matchKeys.Add(1, new KeyValuePair<string, object?>(MatchKeyAttribute, "none"), type);
            return;
        }

        for (var bits = (uint)keys; bits != 0; bits &= bits - 1)
        {
            var name = MatchKeyNames.Get(System.Numerics.BitOperations.TrailingZeroCount(bits));
            _matchKeys.Add(1, new KeyValuePair<string, object?>(MatchKeyAttribute, name), type);
        }
    }

    public void Split() => _splits.Add(1);

    /// <summary>Starts the span of one request, or returns <see langword="null"/> when nobody listens.</summary>
    public static Activity? StartSend(IReadOnlyList<ConversionEventRecord> records, Uri endpointBase)
    {
        if (!s_activitySource.HasListeners())
        {
            return null;
        }

        var links = records.Where(static r => r.RequestActivity is not null)
            .Select(static r => r.RequestActivity!.Value).Distinct().Take(MaxLinks).Select(static c => new ActivityLink(c));
        var activity = s_activitySource.StartActivity(SendActivityName, ActivityKind.Internal, parentContext: default, tags: null, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("oaiq.batch.size", records.Count);
            activity.SetTag("oaiq.pixel.id", records.Count > 0 ? records[0].PixelId : null);
            activity.SetTag("server.address", endpointBase.Host);
            activity.SetTag("server.port", endpointBase.Port);
        }

        return activity;
    }

    /// <summary>Records one request's outcome on its span and in the metrics.</summary>
    public void Sent(Activity? activity, SendResult result, double seconds, string pixelTag)
    {
        var tag = Outcome(result.Outcome);
        _batches.Add(1, tag, Pixel(pixelTag));
        _sendDuration.Record(seconds, tag, Pixel(pixelTag));
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeAttribute, SendResult.OutcomeName(result.Outcome));
        if (result.StatusCode is { } code)
        {
            activity.SetTag("http.response.status_code", code);
        }

        if (result.Outcome != SendOutcome.Delivered)
        {
            activity.SetTag("error.type", result.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? SendResult.OutcomeName(result.Outcome));
            activity.SetStatus(ActivityStatusCode.Error, SendResult.OutcomeName(result.Outcome));
        }
    }

    private static KeyValuePair<string, object?> Outcome(SendOutcome outcome) => new(OutcomeAttribute, SendResult.OutcomeName(outcome));

    private static KeyValuePair<string, object?> Pixel(string pixelTag) => new(PixelAttribute, pixelTag);
}
