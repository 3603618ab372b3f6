namespace OaiqPixel.EntityFrameworkCore;

/// <summary>The outbox at one moment, for an admin or development page: what waits, what the API refused, what went out.</summary>
public sealed class OaiqOutboxSnapshot
{
    internal OaiqOutboxSnapshot(long pendingCount, long deadLetteredCount, IReadOnlyList<OaiqOutboxMessage> pending, IReadOnlyList<OaiqOutboxMessage> deadLettered, long deliveredCount, IReadOnlyList<OaiqOutboxDelivery> recentlyDelivered)
    {
        PendingCount = pendingCount;
        DeadLetteredCount = deadLetteredCount;
        Pending = pending;
        DeadLettered = deadLettered;
        DeliveredCount = deliveredCount;
        RecentlyDelivered = recentlyDelivered;
    }

    /// <summary>Records waiting to be delivered (including those a dispatcher holds right now), in the whole table.</summary>
    public long PendingCount { get; }

    /// <summary>Dead letters kept in the whole table.</summary>
    public long DeadLetteredCount { get; }

    /// <summary>The oldest waiting records, first due first.</summary>
    public IReadOnlyList<OaiqOutboxMessage> Pending { get; }

    /// <summary>The newest dead letters, with the API's status and message.</summary>
    public IReadOnlyList<OaiqOutboxMessage> DeadLettered { get; }

    /// <summary>Records this process's dispatcher delivered since it started.</summary>
    public long DeliveredCount { get; }

    /// <summary>The latest of them, newest first (delivered records are deleted from the table; this is what the process remembers).</summary>
    public IReadOnlyList<OaiqOutboxDelivery> RecentlyDelivered { get; }
}
