namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// One pixel's share of the server leg: its own bounded backlog (<see cref="ConversionsApiOptions.MaxQueueSize"/> records),
/// its own delivery state (for the health check and the gauge) and its own sender loop (<see cref="PixelLaneSender"/>), so
/// one pixel's trouble — a refused key, a poison event, an outage, a backlog — never delays or drops another pixel's events.
/// </summary>
internal sealed class PixelLane(string pixelId, string metricTag, int capacity, int keepUncompacted, QueueBudget? budget = null)
{
    private bool _retired;
    private volatile int _retained;
    private DeliveryState _state = new(null, null, 0, null);

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

    /// <summary>The pixel's recent delivery state: written by its sender loop alone, swapped whole so a reader sees one consistent copy.</summary>
    public DeliveryState State => Volatile.Read(ref _state);

    /// <summary>Records a delivery; returns how many failed tries in a row it ends.</summary>
    public int RecordSuccess(DateTimeOffset at)
    {
        var previousFailures = _state.ConsecutiveFailures;
        Volatile.Write(ref _state, new DeliveryState(at, null, 0, null));
        return previousFailures;
    }

    public void RecordFailure(DateTimeOffset at, string description)
    {
        var state = _state;
        Volatile.Write(ref _state, state with { FailingSince = state.FailingSince ?? at, ConsecutiveFailures = state.ConsecutiveFailures + 1, LastFailure = description });
    }

    /// <summary>A pixel's recent delivery state at one moment.</summary>
    public sealed record DeliveryState(DateTimeOffset? LastSuccess, DateTimeOffset? FailingSince, int ConsecutiveFailures, string? LastFailure);
}
