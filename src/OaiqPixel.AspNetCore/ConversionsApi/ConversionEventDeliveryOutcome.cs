namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>What became of one record sent with <see cref="IConversionsApiDelivery"/>.</summary>
public enum ConversionEventDeliveryOutcome
{
    /// <summary>The API accepted it (a 2xx for a request carrying it, with the whole answer received).</summary>
    Delivered = 0,

    /// <summary>
    /// The API refused it on its own (400, 413 or 422 for a request carrying only this record, spec §4.1): sending it again
    /// unchanged cannot succeed. <see cref="ConversionEventDeliveryResult.StatusCode"/> and
    /// <see cref="ConversionEventDeliveryResult.ErrorMessage"/> say why.
    /// </summary>
    DeadLettered = 1,

    /// <summary>
    /// Not delivered for a reason that may pass (an outage, 408, 429, 5xx, a refused key, an unexpected status, the server
    /// leg off): send it again later, with the same id and timestamp (the API deduplicates);
    /// <see cref="ConversionEventDeliveryResult.RetryAfter"/> says when the API asked.
    /// </summary>
    KeptForRetry = 2,

    /// <summary>
    /// Not sent: it was past <see cref="ConversionEventRecord.MaxAge"/> when the delivery came to it
    /// (<see cref="ConversionEventRecord.IsTooOld"/>; the API refuses events older than 7 days on <c>timestamp_ms</c>, spec
    /// §4.2, and with one such event its whole batch). Logged (log 111) and counted
    /// (<c>oaiq.events.dropped</c> with <c>oaiq.drop.reason=stale</c>) by the delivery; it can never be sent, so forget
    /// it (a durable store deletes it).
    /// </summary>
    Stale = 3,
}
