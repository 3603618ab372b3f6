namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Sends records to the Conversions API now, through the same pipeline as the built-in sender, and says what became of
/// each one: for a store that keeps records itself (a durable outbox) and decides when to try and what to keep; when to
/// try a kept record again is the server leg's back-off, given in <see cref="ConversionEventDeliveryResult.RetryDelay"/>. Registered by <c>AddOaiqTracking</c> as a singleton; safe to call concurrently.
/// </summary>
/// <remarks>
/// The pipeline: requests of at most <see cref="ConversionsApiOptions.MaxBatchSize"/> records of one pixel
/// (<c>POST {BaseAddress}/v1/events?pid=…</c>, spec §4.1) through the resilient client (its retries of 408, 429, 5xx,
/// timeouts and connection errors with <see cref="ConversionsApiOptions.MaxRetryAttempts"/>); a request refused for its
/// content (400, 413, 422: spec §4.1 refuses the whole batch for one bad event) is split in halves until each invalid
/// record is alone, and that one is dead-lettered — logged (log 113), counted and passed to
/// <see cref="ConversionsApiOptions.OnDeadLetter"/> — while every valid record is delivered. There is no outer back-off
/// wait here: a failure that outlasts the client's retries is reported at once with the delay to wait (doubling for each
/// call in a row that fails for the same pixel, and starting again after one that does not). A record past
/// <see cref="ConversionEventRecord.MaxAge"/> when its request is due is not sent: it is dropped (log 111, counted in
/// <c>oaiq.events.dropped</c> with reason <c>stale</c>) and reported as <see cref="ConversionEventDeliveryOutcome.Stale"/>,
/// by the same rule as the built-in sender's (<see cref="ConversionEventRecord.IsTooOld"/>).
/// </remarks>
public interface IConversionsApiDelivery
{
    /// <summary>Sends <paramref name="records"/> and reports on each.</summary>
    /// <param name="records">
    /// The records, of one pixel or several (each pixel's go in their own requests, in the order given; one pixel's
    /// failure does not stop another's). Any number: they are sent in requests of at most
    /// <see cref="ConversionsApiOptions.MaxBatchSize"/>.
    /// </param>
    /// <param name="cancellationToken">Cuts the requests in flight (a shutdown deadline).</param>
    /// <returns>
    /// One result per record, in the order of <paramref name="records"/>. After a failure that splitting cannot fix (an
    /// outage, a refused key, an unexpected status), the rest of that pixel's records are not sent and are reported as
    /// <see cref="ConversionEventDeliveryOutcome.KeptForRetry"/> with the same failure. When the server leg is off (no
    /// <see cref="ConversionsApiOptions.ApiKey"/>), nothing is sent or dropped and every record is kept for a retry. A record
    /// too old to send is reported as <see cref="ConversionEventDeliveryOutcome.Stale"/> (never sent, never kept).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was cancelled; records of a request cut in flight may or may not have been
    /// saved by the API (resending them with the same ids is safe: the API deduplicates).
    /// </exception>
    Task<IReadOnlyList<ConversionEventDeliveryResult>> DeliverAsync(IReadOnlyList<ConversionEventRecord> records, CancellationToken cancellationToken = default);
}
