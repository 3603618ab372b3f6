namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// One pixel's share of the server leg: its own bounded backlog (<see cref="ConversionsApiOptions.MaxQueueSize"/> records),
/// its own delivery state (for the health check and the gauge) and its own sender loop (<see cref="PixelLaneSender"/>), so
/// one pixel's trouble — a refused key, a poison event, an outage, a backlog — never delays or drops another pixel's events.
/// </summary>
internal sealed class PixelLane(string pixelId, string metricTag, int capacity, int keepUncompacted, QueueBudget? budget = null)
{
    private readonly Lock _lock = new();
    private bool _retired;
    private volatile int _retained;
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _failingSince;
    private int _consecutiveFailures;
    private string? _lastFailure;

    /// <summary>The Pixel ID: the <c>pid</c> of this lane's requests (spec §4.1).</summary>
    public string PixelId { get; } = pixelId;

    /// <summary>The <c>oaiq.pixel</c> metric attribute: the Pixel ID, or <c>other</c> past the cap (<see cref="PixelMetricTags"/>).</summary>
    public string MetricTag { get; } = metricTag;

    /// <summary>The most records this pixel holds.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>The records waiting, oldest first.</summary>
    public RecordBacklog Backlog { get; } = new(capacity, keepUncompacted, budget);

    /// <summary>Whether the lane was retired for idleness (<see cref="ConversionEventQueue.TryRetire"/>): it takes no more records, and its loop ends once it has delivered what it holds.</summary>
    public bool IsRetired
    {
        get => Volatile.Read(ref _retired);
        set => Volatile.Write(ref _retired, value);
    }

    /// <summary>Records the sender holds: the batch being filled or sent, or kept for a retry (out of the backlog, not delivered).</summary>
    public int Retained
    {
        get => _retained;
        set => _retained = value;
    }

    /// <summary>Records waiting, plus those the sender holds.</summary>
    public int Pending => Backlog.Count + Retained;

    public void RecordSuccess(DateTimeOffset at, out int previousFailures)
    {
        lock (_lock)
        {
            previousFailures = _consecutiveFailures;
            _lastSuccess = at;
            _failingSince = null;
            _consecutiveFailures = 0;
            _lastFailure = null;
        }
    }

    public void RecordFailure(DateTimeOffset at, string description)
    {
        lock (_lock)
        {
            _failingSince ??= at;
            _consecutiveFailures++;
            _lastFailure = description;
        }
    }

    /// <summary>A consistent copy of the delivery state.</summary>
    public DeliveryState ReadState()
    {
        lock (_lock)
        {
            return new DeliveryState(_lastSuccess, _failingSince, _consecutiveFailures, _lastFailure);
        }
    }

    /// <summary>A pixel's recent delivery state at one moment.</summary>
    public readonly record struct DeliveryState(DateTimeOffset? LastSuccess, DateTimeOffset? FailingSince, int ConsecutiveFailures, string? LastFailure);
}
