using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's <see cref="IConversionEventSink"/>: a bounded in-memory queue per pixel (<see cref="PixelLane"/>), each
/// drained by its own loop of <see cref="ConversionsApiSender"/>, so one pixel's backlog never fills another's. <see cref="TryEnqueue"/> never blocks and never waits on the network; a full queue
/// drops the event, counts it and warns at most every <see cref="QueueFullWarningInterval"/>.
/// </summary>
/// <remarks>
/// <para>
/// Memory stays bounded however many pixels a resolver names: at most <see cref="ConversionsApiOptions.MaxPixels"/> lanes
/// at once, at most <see cref="ConversionsApiOptions.MaxTotalQueueSize"/> records across them (<see cref="QueueBudget"/>),
/// and a lane empty for <see cref="ConversionsApiOptions.PixelIdleTimeout"/> is retired (<see cref="TryRetire"/>). A lane's
/// loop waits asynchronously, so an idle lane holds no thread.
/// </para>
/// <para>
/// Each accepted event is written once into its <see cref="ConversionEventRecord"/> (its Conversions API JSON) and the
/// queue holds that: the caller's object graph is released at once, and the sender only copies bytes into a body.
/// While the API is down the backlog is compacted (<see cref="RecordBacklog"/>), so 100,000 waiting orders take tens of
/// megabytes rather than a hundred. Reads <see cref="IOptions{TOptions}"/>: its capacity is fixed for the process's life; a
/// pixel's key is looked up for each event (<see cref="PixelDirectory"/>).
/// </para>
/// </remarks>
internal sealed class ConversionEventQueue : IConversionEventSink
{
    /// <summary>Events are refused this long before the API's 7-day limit, so they cannot expire on the way.</summary>
    public static readonly TimeSpan StaleMargin = TimeSpan.FromMinutes(10);

    /// <summary>The age past which an event is not sent.</summary>
    public static readonly TimeSpan MaxEventAge = ConversionEventValidator.MaxAge - StaleMargin;

    /// <summary>The least time between two "queue full" warnings.</summary>
    public static readonly TimeSpan QueueFullWarningInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, PixelLane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _warnedWithoutKey = new(StringComparer.Ordinal);
    private readonly Lock _laneLock = new();
    private readonly PixelDirectory _pixels;
    private readonly PixelMetricTags _tags;
    private readonly int _keepUncompacted;
    private readonly TimeProvider _timeProvider;
    private readonly ConversionsApiInstrumentation _metrics;
    private readonly ILogger _logger;
    private readonly ThrottledWarning _queueFull;
    private readonly ThrottledWarning _totalFull;
    private readonly ThrottledWarning _pixelLimit;
    private bool _completed;

    public ConversionEventQueue(IOptions<OaiqTrackingOptions> options, IServiceProvider services, PixelDirectory pixels, PixelMetricTags tags, TimeProvider timeProvider, ConversionsApiInstrumentation metrics, ILogger<ConversionEventQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);

        var value = options.Value;
        var api = value.ConversionsApi;
        var keys = OaiqOptionKeys.Resolve(services);
        LacksPixelId = value.LacksPixelId;
        var anyKey = api.IsEnabled || value.HasPixelResolver || value.Pixels.Any(static p => !string.IsNullOrWhiteSpace(p?.ApiKey));
        OffReason = !value.Enabled ? $"{keys.Key("Enabled")} is false"
            : LacksPixelId ? $"no {keys.Key("PixelId")} is set"
            : !anyKey ? $"no {keys.Key("ConversionsApi:ApiKey")} is set"
            : null;
        _pixels = pixels;
        Capacity = Math.Max(1, api.MaxQueueSize);
        _keepUncompacted = Math.Max(16 * Math.Clamp(api.MaxBatchSize, 1, ConversionsApiOptions.MaxEventsPerRequest), 8192);
        _tags = tags;
        Budget = new QueueBudget(Math.Max(Capacity, api.MaxTotalQueueSize));
        MaxPixels = Math.Max(1, api.MaxPixels);
        _timeProvider = timeProvider;
        _queueFull = new ThrottledWarning(timeProvider, QueueFullWarningInterval);
        _totalFull = new ThrottledWarning(timeProvider, QueueFullWarningInterval);
        _pixelLimit = new ThrottledWarning(timeProvider, QueueFullWarningInterval);
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveQueueLength(ObserveQueueLengths);
    }

    /// <summary>A pixel got its lane (its first event): the sender starts the lane's loop.</summary>
    public event Action<PixelLane>? LaneAdded;

    /// <summary>Why the server leg is off, or <see langword="null"/> when it is on.</summary>
    public string? OffReason { get; }

    /// <summary>Whether tracking is off for want of a pixel id (said at start-up by log 70, not by the sender).</summary>
    public bool LacksPixelId { get; }

    /// <summary>Whether events are accepted (tracking enabled, a pixel and a key set).</summary>
    public bool IsEnabled => OffReason is null;

    /// <summary>The most events one pixel's lane holds (<see cref="ConversionsApiOptions.MaxQueueSize"/>, per pixel).</summary>
    public int Capacity { get; }

    /// <summary>The bound on the records of every lane together (<see cref="ConversionsApiOptions.MaxTotalQueueSize"/>).</summary>
    public QueueBudget Budget { get; }

    /// <summary>The most lanes at once (<see cref="ConversionsApiOptions.MaxPixels"/>).</summary>
    public int MaxPixels { get; }

    /// <summary>The events waiting in every pixel's lane.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var lane in _lanes.Values)
            {
                count += lane.Backlog.Count;
            }

            return count;
        }
    }

    /// <summary>Takes the oldest record of the first pixel that has one (benchmarks drain the queue without a sender).</summary>
    /// <returns><see langword="false"/> when every lane is empty.</returns>
    internal bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConversionEventRecord? record)
    {
        foreach (var lane in _lanes.Values)
        {
            if (lane.Backlog.TryTake(out record))
            {
                return true;
            }
        }

        record = null;
        return false;
    }

    /// <summary>The pixels' lanes, in no particular order.</summary>
    public ICollection<PixelLane> Lanes => _lanes.Values;

    /// <inheritdoc />
    public bool TryEnqueue(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        if (OffReason is not null)
        {
            return false;
        }

        var errors = ConversionEventValidator.Validate(conversionEvent, _timeProvider.GetUtcNow(), MaxEventAge);
        if (errors.Count > 0)
        {
            _metrics.Dropped(DropReason.Invalid);
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                ConversionsApiLog.EventInvalid(_logger, conversionEvent.Id, conversionEvent.Event.Name, string.Join("; ", errors));
            }

            return false;
        }

        // An event aimed at one pixel goes there; one that is not (outside a request) goes to every configured pixel.
        if (conversionEvent.PixelId is { } target)
        {
            return Add(conversionEvent, target, null) is not null;
        }

        var accepted = false;
        ConversionEventRecord? written = null;
        foreach (var pixelId in _pixels.ConfiguredPixelIds())
        {
            written = Add(conversionEvent, pixelId, written) ?? written;
            accepted |= written?.PixelId == pixelId;
        }

        return accepted;
    }

    /// <summary>Adds the event to a pixel's lane; the record added, or <see langword="null"/> (counted, logged).</summary>
    /// <param name="conversionEvent">The accepted event.</param>
    /// <param name="pixelId">The pixel whose lane takes it.</param>
    /// <param name="written">The event's record for another pixel, whose JSON is reused (written once per event).</param>
    private ConversionEventRecord? Add(ConversionEvent conversionEvent, string pixelId, ConversionEventRecord? written)
    {
        if (_pixels.Find(pixelId) is not { ApiKey: not null })
        {
            _metrics.Dropped(DropReason.NoApiKey);
            if (_warnedWithoutKey.TryAdd(pixelId, 0))
            {
                ConversionsApiLog.PixelWithoutKey(_logger, pixelId, _pixels.Find(pixelId) is null ? "the pixel resolver does not know it" : "none is configured");
            }

            return null;
        }

        // A lane retired between the look-up and the add refuses the record: the next look-up makes a fresh one.
        for (var attempt = 0; attempt < 3 && !IsCompleted; attempt++)
        {
            if (GetLane(pixelId) is not { } lane)
            {
                _metrics.Dropped(DropReason.PixelLimit);
                if (_pixelLimit.Drop() is > 0 and var dropped)
                {
                    ConversionsApiLog.PixelLimitReached(_logger, MaxPixels, dropped, pixelId);
                }

                return null;
            }

            if (lane.Backlog.Count >= Capacity)
            {
                break;
            }

            if (!Budget.TryReserve())
            {
                _metrics.Dropped(DropReason.TotalQueueFull);
                if (_totalFull.Drop() is > 0 and var dropped)
                {
                    ConversionsApiLog.TotalQueueFull(_logger, Budget.Capacity, dropped);
                }

                return null;
            }

            var record = written is null ? ConversionEventRecord.Create(conversionEvent, pixelId) : written.ForPixel(pixelId);
            if (lane.Backlog.TryAdd(record))
            {
                _metrics.Enqueued(lane.MetricTag);
                return record;
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
            ConversionsApiLog.EventAfterShutdown(_logger, conversionEvent.Id, conversionEvent.Event.Name);
            return null;
        }

        _metrics.Dropped(DropReason.QueueFull);
        if (_queueFull.Drop() is > 0 and var full)
        {
            ConversionsApiLog.QueueFull(_logger, Capacity, full);
        }

        return null;
    }

    /// <summary>
    /// Frees a lane that has been empty for <see cref="ConversionsApiOptions.PixelIdleTimeout"/>: it leaves the lanes (so it
    /// no longer counts towards <see cref="MaxPixels"/>) and accepts no more records; its loop delivers any record added
    /// before that, then ends. The pixel's next event makes a new lane.
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

    /// <summary>The pixel's lane, made (and announced to the sender) on its first event; <see langword="null"/> when
    /// <see cref="MaxPixels"/> lanes exist already.</summary>
    public PixelLane? GetLane(string pixelId)
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

        ConversionsApiLog.PixelLaneStarted(_logger, pixelId, Capacity);
        LaneAdded?.Invoke(lane);
        return lane;
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

    /// <summary>Compacts the backlog now (benchmarks measure the memory a backlog holds once compacted).</summary>
    internal void CompactBacklog()
    {
        foreach (var lane in _lanes.Values)
        {
            lane.Backlog.CompactNow();
        }
    }

    /// <summary>Whether <see cref="Complete"/> was called.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed);

    /// <summary>Stops accepting events (shutdown); queued ones can still be read.</summary>
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
}
