namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>A store of Conversions API events at one moment (<see cref="IOaiqStoreInspector"/>).</summary>
public sealed class OaiqStoreSnapshot
{
    /// <summary>Creates a snapshot.</summary>
    /// <param name="pendingCount">Events waiting to be delivered in the whole store.</param>
    /// <param name="deadLetteredCount">Events the API refused, kept in the whole store.</param>
    /// <param name="deliveredCount">Events this process delivered since it started.</param>
    /// <param name="pending">The oldest waiting events, first due first.</param>
    /// <param name="deadLettered">The newest refused events.</param>
    /// <param name="recentlyDelivered">The latest deliveries, newest first.</param>
    /// <exception cref="ArgumentNullException">A list is <see langword="null"/>.</exception>
    public OaiqStoreSnapshot(
        long pendingCount,
        long deadLetteredCount,
        long deliveredCount,
        IReadOnlyList<OaiqStoredEvent> pending,
        IReadOnlyList<OaiqStoredEvent> deadLettered,
        IReadOnlyList<OaiqStoredEvent> recentlyDelivered)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(deadLettered);
        ArgumentNullException.ThrowIfNull(recentlyDelivered);
        PendingCount = pendingCount;
        DeadLetteredCount = deadLetteredCount;
        DeliveredCount = deliveredCount;
        Pending = pending;
        DeadLettered = deadLettered;
        RecentlyDelivered = recentlyDelivered;
    }

    /// <summary>Events waiting to be delivered (including those being sent right now), in the whole store.</summary>
    public long PendingCount { get; }

    /// <summary>Events the API refused on their own (dead letters), kept in the whole store.</summary>
    public long DeadLetteredCount { get; }

    /// <summary>Events this process delivered since it started.</summary>
    public long DeliveredCount { get; }

    /// <summary>The oldest waiting events, first due first: <see cref="OaiqStoredEvent.At"/> is when each is due.</summary>
    public IReadOnlyList<OaiqStoredEvent> Pending { get; }

    /// <summary>The newest dead letters: <see cref="OaiqStoredEvent.At"/> is when the API refused each, with its status and message.</summary>
    public IReadOnlyList<OaiqStoredEvent> DeadLettered { get; }

    /// <summary>The latest deliveries, newest first: <see cref="OaiqStoredEvent.At"/> is when the API accepted each.</summary>
    public IReadOnlyList<OaiqStoredEvent> RecentlyDelivered { get; }
}
