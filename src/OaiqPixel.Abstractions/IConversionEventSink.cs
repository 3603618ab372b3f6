namespace OaiqPixel;

/// <summary>
/// Accepts complete events for delivery to the Conversions API. The ASP.NET Core package implements it with a bounded
/// in-memory queue drained by a background sender; use it directly for server-only events (webhooks, offline
/// conversions, worker services) built as <see cref="ConversionEvent"/> with an explicit <c>oppref</c>, time and
/// <c>action_source</c>.
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
    /// <returns><see langword="false"/> when the event was not accepted (server leg off, queue full, or the event is invalid); the reason is logged and counted.</returns>
    bool TryEnqueue(ConversionEvent conversionEvent);
}
