namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Service keys of the server leg's <see cref="IConversionEventSink"/> registrations, for packages that put a store in
/// front of the built-in in-memory queue (a durable outbox) without replacing what they do not handle.
/// </summary>
/// <remarks>
/// <c>AddOaiqTracking</c> registers the in-memory queue twice: as <see cref="IConversionEventSink"/> (unless one is
/// registered already), and keyed under <see cref="InMemoryQueue"/>. The events a request records reach the keyed sink
/// <see cref="RequestEvents"/> when one is registered, and <see cref="IConversionEventSink"/> otherwise.
/// </remarks>
public static class ConversionEventSinkKeys
{
    /// <summary>
    /// The key of the built-in bounded in-memory queue (a singleton), always registered: a sink registered in its place
    /// as <see cref="IConversionEventSink"/> can still hand it the events it does not keep itself (views, for example).
    /// </summary>
    public const string InMemoryQueue = "OaiqPixel.ConversionsApi.InMemoryQueue";

    /// <summary>
    /// The key of the sink that receives the server leg of the events recorded during an HTTP request — through
    /// <see cref="IConversionTracker.Track"/>, <c>&lt;oaiq-event&gt;</c> and the page's <c>page_viewed</c> — resolved from
    /// the request's services, so it may be scoped (a store in the request's unit of work). Not registered by default:
    /// those events then go to <see cref="IConversionEventSink"/>, as do events tracked outside a request.
    /// </summary>
    public const string RequestEvents = "OaiqPixel.ConversionsApi.RequestEvents";
}
