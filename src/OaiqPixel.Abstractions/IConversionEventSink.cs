namespace OaiqPixel;

/// <summary>
/// Accepts complete events for delivery to the Conversions API. The ASP.NET Core package implements it with the server
/// leg's one pipeline — the same checks, pixels and store as <see cref="IConversionTracker"/>'s events, in front of a
/// bounded in-memory queue (or a durable outbox) drained in the background; use it directly for server-only events
/// (webhooks, offline conversions, worker services) built as <see cref="ConversionEvent"/> with an explicit
/// <c>oppref</c>, time and <c>action_source</c>. An event not aimed at one pixel goes to every configured pixel.
/// </summary>
public interface IConversionEventSink
{
    /// <summary>
    /// Whether the sink delivers events at all (for the built-in queue: a Conversions API key and a Pixel ID are set).
    /// When <see langword="false"/>, <see cref="TryEnqueue"/> refuses every event and callers may skip work done only for
    /// it. The default is <see langword="true"/>.
    /// </summary>
    bool IsEnabled => true;

    /// <summary>Queues an event without blocking.</summary>
    /// <param name="conversionEvent">The event.</param>
    /// <returns><see langword="false"/> when the event was not accepted (server leg off, the event invalid, or its store full); the reason is logged and counted.</returns>
    bool TryEnqueue(ConversionEvent conversionEvent);
}
