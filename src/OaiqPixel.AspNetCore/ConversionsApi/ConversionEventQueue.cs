using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The built-in <see cref="IConversionEventStore"/>: a bounded in-memory lane per pixel (<see cref="PixelLane"/>), so one
/// pixel's backlog never fills another's, within one budget for every lane together (<see cref="QueueBudget"/>). Lanes and
/// budget only: the pipeline in front (<see cref="ConversionEventPipeline"/>) has already checked and written each record,
/// and the sender (<see cref="ConversionsApiSender"/>) starts each lane's loop as <see cref="LaneAdded"/> announces it.
/// <see cref="TryStore"/> never blocks; a full lane drops the record, counts it and warns at most every
/// <see cref="QueueFullWarningInterval"/>.
/// </summary>
/// <remarks>
/// Memory stays bounded however many pixels a resolver names: at most <see cref="ConversionsApiOptions.MaxPixels"/> lanes,
/// at most <see cref="ConversionsApiOptions.MaxTotalQueueSize"/> records across them, and a lane empty for
/// <see cref="ConversionsApiOptions.PixelIdleTimeout"/> is retired (<see cref="TryRetire"/>). While the API is down a
/// lane's backlog is compacted (<see cref="RecordBacklog"/>): 100,000 of the heaviest orders take 34 MB instead of 122 MB (<c>--memory 100000</c>).
/// Reads <see cref="IOptions{TOptions}"/>: its capacity is fixed for the process's life.
/// </remarks>
internal sealed class ConversionEventQueue : IConversionEventStore
{
    /// <summary>The least time between two "queue full" warnings.</summary>
    public static readonly TimeSpan QueueFullWarningInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, PixelLane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _warnedWithoutKey = new(StringComparer.Ordinal);
    private readonly Lock _laneLock = new();
    private readonly PixelDirectory _pixels;
    private readonly PixelMetricTags _tags;
    private readonly int _keepUncompacted;
    private readonly ConversionsApiInstrumentation _metrics;
    private readonly ILogger _logger;
    private readonly ThrottledWarning _queueFull;
    private readonly ThrottledWarning _totalFull;
    private readonly ThrottledWarning _pixelLimit;
    private bool _completed;

    public ConversionEventQueue(IOptions<OaiqTrackingOptions> options, PixelDirectory pixels, PixelMetricTags tags, TimeProvider timeProvider, ConversionsApiInstrumentation metrics, ILogger<ConversionEventQueue> logger)
    {
        var api = options.Value.ConversionsApi;
        _pixels = pixels;
        _tags = tags;
        Capacity = Math.Max(1, api.MaxQueueSize);
        _keepUncompacted = Math.Max(16 * api.BatchSize, 8192);
        Budget = new QueueBudget(Math.Max(Capacity, api.MaxTotalQueueSize));
        MaxPixels = Math.Max(1, api.MaxPixels);
        _queueFull = new ThrottledWarning(timeProvider, QueueFullWarningInterval);
        _totalFull = new ThrottledWarning(timeProvider, QueueFullWarningInterval);
        _pixelLimit = new ThrottledWarning(timeProvider, QueueFullWarningInterval);
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveQueueLength(ObserveQueueLengths);
    }

    /// <summary>A pixel got its lane (its first record): the sender starts the lane's loop.</summary>
    public event Action<PixelLane>? LaneAdded;

    /// <summary>The most records one pixel's lane holds (<see cref="ConversionsApiOptions.MaxQueueSize"/>, per pixel).</summary>
    public int Capacity { get; }

    /// <summary>The bound on the records of every lane together (<see cref="ConversionsApiOptions.MaxTotalQueueSize"/>).</summary>
    public QueueBudget Budget { get; }

    /// <summary>The most lanes at once (<see cref="ConversionsApiOptions.MaxPixels"/>).</summary>
    public int MaxPixels { get; }

    /// <summary>The records waiting in every pixel's lane.</summary>
    public int Count => Budget.Count;

    /// <summary>The pixels' lanes, in no particular order.</summary>
    public ICollection<PixelLane> Lanes => _lanes.Values;

    /// <summary>Whether <see cref="Complete"/> was called.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed);

    /// <summary>Adds a record to its pixel's lane; <see langword="false"/> (counted, logged) when it has no key or no room.</summary>
    public bool TryStore(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request) => TryAdd(record);

    /// <summary>Adds a record to its pixel's lane (a new one, or a dead letter replayed); <see langword="false"/> (counted, logged) when it has no key or no room.</summary>
    public bool TryAdd(ConversionEventRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pixelId = record.PixelId;
        if (_pixels.Find(pixelId) is not { ApiKey: not null })
        {
            _metrics.Dropped(DropReason.NoApiKey);
            if (_warnedWithoutKey.TryAdd(pixelId, 0))
            {
                ConversionsApiLog.PixelWithoutKey(_logger, pixelId, _pixels.Find(pixelId) is null ? "the pixel resolver does not know it" : "none is configured");
            }

            return false;
        }

        // A lane retired between the look-up and the add refuses the record: the next look-up makes a fresh one.
        for (var attempt = 0; attempt < 3 && !IsCompleted; attempt++)
        {
            if (GetLane(pixelId) is not { } lane)
            {
                if (Drop(DropReason.PixelLimit, _pixelLimit) is > 0 and var overLimit)
                {
                    ConversionsApiLog.PixelLimitReached(_logger, MaxPixels, overLimit, pixelId);
                }

                return false;
            }

            if (lane.Backlog.Count >= Capacity)
            {
                break;
            }

            if (!Budget.TryReserve())
            {
                if (Drop(DropReason.TotalQueueFull, _totalFull) is > 0 and var overBudget)
                {
                    ConversionsApiLog.TotalQueueFull(_logger, Budget.Capacity, overBudget);
                }

                return false;
            }

            if (lane.Backlog.TryAdd(record))
            {
                _metrics.Enqueued(lane.MetricTag);
                return true;
            }

            Budget.Release();
            if (!lane.IsRetired)
            {
                break;
            }
        }

        if (IsCompleted)
        {
            _metrics.Dropped(DropReason.Shutdown);
            ConversionsApiLog.EventAfterShutdown(_logger, record.Id, record.EventType);
            return false;
        }

        if (Drop(DropReason.QueueFull, _queueFull) is > 0 and var full)
        {
            ConversionsApiLog.QueueFull(_logger, Capacity, full);
        }

        return false;
    }

    /// <summary>
    /// Frees a lane that has been empty for <see cref="ConversionsApiOptions.PixelIdleTimeout"/>: it leaves the lanes (so it
    /// no longer counts towards <see cref="MaxPixels"/>) and accepts no more records; its loop delivers any record added
    /// before that, then ends. The pixel's next record makes a new lane.
    /// </summary>
    /// <returns><see langword="false"/> when the lane holds records, or is no longer the pixel's lane.</returns>
    public bool TryRetire(PixelLane lane, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(lane);
        lock (_laneLock)
        {
            if (IsCompleted || lane.Pending > 0 || !_lanes.TryGetValue(lane.PixelId, out var current) || !ReferenceEquals(current, lane))
            {
                return false;
            }

            lane.IsRetired = true;
            lane.Backlog.Complete();
            _lanes.TryRemove(lane.PixelId, out _);
        }

        ConversionsApiLog.PixelLaneRetired(_logger, lane.PixelId, idleTimeout);
        return true;
    }

    /// <summary>Stops accepting records (shutdown); queued ones can still be read.</summary>
    public void Complete()
    {
        lock (_laneLock)
        {
            Volatile.Write(ref _completed, true);
            foreach (var lane in _lanes.Values)
            {
                lane.Backlog.Complete();
            }
        }
    }

    /// <summary>The pixel's lane, made (and announced) on its first record; <see langword="null"/> past <see cref="MaxPixels"/>.</summary>
    private PixelLane? GetLane(string pixelId)
    {
        if (_lanes.TryGetValue(pixelId, out var lane))
        {
            return lane;
        }

        lock (_laneLock)
        {
            if (_lanes.TryGetValue(pixelId, out lane))
            {
                return lane;
            }

            if (_lanes.Count >= MaxPixels)
            {
                return null;
            }

            lane = new PixelLane(pixelId, _tags.Tag(pixelId), Capacity, _keepUncompacted, Budget);
            if (IsCompleted)
            {
                lane.Backlog.Complete();
            }

            _lanes[pixelId] = lane;
        }

        LaneAdded?.Invoke(lane);
        return lane;
    }

    /// <summary>Counts a dropped record; the drops to warn about now (see <see cref="ThrottledWarning"/>), or 0.</summary>
    private long Drop(string reason, ThrottledWarning warning)
    {
        _metrics.Dropped(reason);
        return warning.Drop();
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<int>> ObserveQueueLengths()
    {
        // One measurement per attribute value: pixels past the tag cap add up under "other".
        var byTag = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var lane in _lanes.Values)
        {
            byTag[lane.MetricTag] = byTag.GetValueOrDefault(lane.MetricTag) + lane.Pending;
        }

        foreach (var (tag, count) in byTag)
        {
            yield return new System.Diagnostics.Metrics.Measurement<int>(count, new KeyValuePair<string, object?>(ConversionsApiInstrumentation.PixelAttribute, tag));
        }
    }
}
