namespace OaiqPixel.EntityFrameworkCore;

/// <summary>A record this process's dispatcher delivered (and deleted from the outbox table).</summary>
public sealed class OaiqOutboxDelivery
{
    internal OaiqOutboxDelivery(string eventId, string eventType, DateTimeOffset deliveredAt)
    {
        EventId = eventId;
        EventType = eventType;
        DeliveredAt = deliveredAt;
    }

    /// <summary>The event id.</summary>
    public string EventId { get; }

    /// <summary>The event name (e.g. <c>order_created</c>).</summary>
    public string EventType { get; }

    /// <summary>When the API accepted it.</summary>
    public DateTimeOffset DeliveredAt { get; }
}
