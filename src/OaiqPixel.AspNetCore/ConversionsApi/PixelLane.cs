namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// One pixel's share of the server leg: its own bounded backlog (<see cref="ConversionsApiOptions.MaxQueueSize"/> records),
/// its own delivery state and its own sender loop (<see cref="PixelLaneSender"/>), so one pixel's trouble — a refused key,
/// a poison event, an outage, a backlog — never delays or drops another pixel's events.
/// </summary>
internal sealed class PixelLane
{
    private bool _retired;

    public PixelLane(string pixelId, string metricTag, int capacity, int keepUncompacted, QueueBudget? budget = null)
    {
        PixelId = pixelId;
        MetricTag = metricTag;
        Capacity = capacity;
        Backlog = new RecordBacklog(capacity, keepUncompacted, budget);
    }

    /// <summary>The Pixel ID: the <c>pid</c> of this lane's requests (spec §4.1).</summary>
    public string PixelId { get; }

    /// <summary>The <c>oaiq.pixel</c> metric attribute: the Pixel ID, or <c>other</c> past the cap (<see cref="PixelMetricTags"/>).</summary>
    public string MetricTag { get; }

    /// <summary>The most records this pixel holds.</summary>
    public int Capacity { get; }

    /// <summary>The records waiting, oldest first.</summary>
    public RecordBacklog Backlog { get; }

    /// <summary>Whether the lane was retired for idleness (<see cref="ConversionEventQueue.TryRetire"/>): it takes no more records, and its loop ends once it has delivered what it holds.</summary>
    public bool IsRetired
    {
        get => Volatile.Read(ref _retired);
        set => Volatile.Write(ref _retired, value);
    }

    /// <summary>The pixel's recent delivery state (health check, gauge).</summary>
    public ConversionsApiStatus Status { get; } = new();

    /// <summary>Records waiting, plus those the sender holds (a batch being filled, sent or kept for a retry).</summary>
    public int Pending => Backlog.Count + Status.Retained;
}
