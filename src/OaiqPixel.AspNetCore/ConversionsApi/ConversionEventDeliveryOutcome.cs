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
}
