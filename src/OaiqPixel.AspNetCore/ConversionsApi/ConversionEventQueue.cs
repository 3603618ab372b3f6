using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's <see cref="IConversionEventSink"/>: a bounded in-memory queue drained by
/// <see cref="ConversionsApiSender"/>. <see cref="TryEnqueue"/> never blocks and never waits on the network; a full queue
/// drops the event, counts it and warns at most every <see cref="QueueFullWarningInterval"/>.
/// </summary>
/// <remarks>
/// Each accepted event is written once into its <see cref="ConversionEventRecord"/> (its Conversions API JSON) and the
/// queue holds that: the caller's object graph is released at once, and the sender only copies bytes into a body.
/// While the API is down the backlog is compacted (<see cref="RecordBacklog"/>), so 100,000 waiting orders take tens of
/// megabytes rather than a hundred. Reads <see cref="IOptions{TOptions}"/>: its capacity and pixel are fixed for the process's life.
/// </remarks>
internal sealed class ConversionEventQueue : IConversionEventSink
{
    /// <summary>Events are refused this long before the API's 7-day limit, so they cannot expire on the way.</summary>
    public static readonly TimeSpan StaleMargin = TimeSpan.FromMinutes(10);

    /// <summary>The age past which an event is not sent.</summary>
    public static readonly TimeSpan MaxEventAge = ConversionEventValidator.MaxAge - StaleMargin;

    /// <summary>The least time between two "queue full" warnings.</summary>
    public static readonly TimeSpan QueueFullWarningInterval = TimeSpan.FromSeconds(30);

    private readonly RecordBacklog _backlog;
    private readonly TimeProvider _timeProvider;
    private readonly ConversionsApiInstrumentation _metrics;
    private readonly string _pixelId;
    private readonly ILogger _logger;
    private long _droppedSinceWarning;
    private long _lastWarningTimestamp;
    private int _warningIssued;
    private bool _completed;

    public ConversionEventQueue(IOptions<OaiqTrackingOptions> options, IServiceProvider services, TimeProvider timeProvider, ConversionsApiInstrumentation metrics, ConversionsApiStatus status, ILogger<ConversionEventQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);

        var value = options.Value;
        var api = value.ConversionsApi;
        var keys = OaiqOptionKeys.Resolve(services);
        LacksPixelId = value.LacksPixelId;
        OffReason = !value.Enabled ? $"{keys.Key("Enabled")} is false"
            : LacksPixelId ? $"no {keys.Key("PixelId")} is set"
            : !api.IsEnabled ? $"no {keys.Key("ConversionsApi:ApiKey")} is set"
            : null;
        _pixelId = value.PixelId?.Trim() ?? string.Empty;
        Capacity = Math.Max(1, api.MaxQueueSize);
        _backlog = new RecordBacklog(Capacity, keepUncompacted: Math.Max(4 * Math.Clamp(api.MaxBatchSize, 1, ConversionsApiOptions.MaxEventsPerRequest), 2048));
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveQueueLength(() => Count + status.Retained);
    }

    /// <summary>Why the server leg is off, or <see langword="null"/> when it is on.</summary>
    public string? OffReason { get; }

    /// <summary>Whether tracking is off for want of a pixel id (said at start-up by log 70, not by the sender).</summary>
    public bool LacksPixelId { get; }

    /// <summary>Whether events are accepted (tracking enabled, a key and a pixel id set).</summary>
    public bool IsEnabled => OffReason is null;

    /// <summary>The most events the queue holds.</summary>
    public int Capacity { get; }

    /// <summary>The events waiting in the queue.</summary>
    public int Count => _backlog.Count;

    /// <summary>Takes the oldest record.</summary>
    /// <returns><see langword="false"/> when the queue is empty.</returns>
    public bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConversionEventRecord? record) => _backlog.TryTake(out record);

    /// <summary>Waits until an event can be taken; <see langword="false"/> once the queue is completed and empty.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _backlog.WaitToReadAsync(cancellationToken);

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

        if (!IsCompleted && _backlog.Count < Capacity && _backlog.TryAdd(ConversionEventRecord.Create(conversionEvent, _pixelId)))
        {
            _metrics.Enqueued();
            return true;
        }

        if (IsCompleted)
        {
            _metrics.Dropped(DropReason.Shutdown);
            ConversionsApiLog.EventAfterShutdown(_logger, conversionEvent.Id, conversionEvent.Event.Name);
            return false;
        }

        _metrics.Dropped(DropReason.QueueFull);
        Interlocked.Increment(ref _droppedSinceWarning);
        WarnQueueFull();
        return false;
    }

    /// <summary>Compacts the backlog now (benchmarks measure the memory a backlog holds once compacted).</summary>
    internal void CompactBacklog() => _backlog.CompactNow();

    /// <summary>Whether <see cref="Complete"/> was called.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed);

    /// <summary>Stops accepting events (shutdown); queued ones can still be read.</summary>
    public void Complete()
    {
        Volatile.Write(ref _completed, true);
        _backlog.Complete();
    }

    private void WarnQueueFull()
    {
        var now = _timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarningTimestamp);
        var due = Volatile.Read(ref _warningIssued) == 0 || _timeProvider.GetElapsedTime(last, now) >= QueueFullWarningInterval;
        if (!due || Interlocked.CompareExchange(ref _lastWarningTimestamp, now, last) != last)
        {
            return;
        }

        Volatile.Write(ref _warningIssued, 1);
        ConversionsApiLog.QueueFull(_logger, Capacity, Interlocked.Exchange(ref _droppedSinceWarning, 0));
    }
}
