using Microsoft.AspNetCore.Http;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Where the server leg keeps each finished record until it is delivered: the last step of the one pipeline every
/// server-leg event takes (<see cref="IConversionTracker"/>, <c>&lt;oaiq-event&gt;</c>, the page's <c>page_viewed</c>
/// and <see cref="IConversionEventSink"/>), after it was validated, enriched, aimed at its pixels and written once into
/// its Conversions API JSON. The built-in store is a bounded in-memory queue per pixel; the
/// <c>OaiqPixel.EntityFrameworkCore</c> package registers a durable outbox in its place. Register one as a singleton
/// <see cref="IConversionEventStore"/> (replacing the built-in one).
/// </summary>
/// <remarks>
/// A store keeps records; it does not repeat the pipeline's rules (the server leg on or off, validation and the 7-day age
/// window, <see cref="ConversionEventRecord.MaxAge"/>, the pixels an event goes to). An event for two pixels reaches it
/// as two records sharing one JSON and one id (each pixel deduplicates on its own, spec §5).
/// </remarks>
public interface IConversionEventStore
{
    /// <summary>
    /// The service key of the built-in in-memory queue, always registered as a keyed <see cref="IConversionEventStore"/>:
    /// a store registered in its place hands it the records it does not keep (view events, what its database refused).
    /// </summary>
    const string InMemoryKey = "OaiqPixel.ConversionsApi.InMemory";

    /// <summary>Keeps a record for delivery, without waiting on the network.</summary>
    /// <param name="conversionEvent">The event the record was written from (the same instance the pixel renders, for a request's event).</param>
    /// <param name="record">The record for one pixel (<see cref="ConversionEventRecord.PixelId"/>).</param>
    /// <param name="request">
    /// The request whose unit of work the event belongs to (recorded in it by <see cref="IConversionTracker"/>,
    /// <c>&lt;oaiq-event&gt;</c> or the page view), so a transactional store can commit it with the app's own save; or
    /// <see langword="null"/> for an event with no such unit of work (handed to <see cref="IConversionEventSink"/>, tracked
    /// outside a request or in an interactive circuit), which is kept on its own.
    /// </param>
    /// <returns><see langword="false"/> when the record is not kept (a full queue, a refused write); the store logs and counts why.</returns>
    bool TryStore(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request);
}
