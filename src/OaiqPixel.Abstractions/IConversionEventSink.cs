namespace OaiqPixel;

/// <summary>
/// Accepts complete events for delivery to the Conversions API. The ASP.NET Core package implements it with a bounded
/// in-memory queue drained by a background sender; use it directly for server-only events (webhooks, offline
/// conversions, worker services) built as <see cref="ConversionEvent"/> with an explicit <c>oppref</c>, time and
/// <c>action_source</c>.
/// </summary>
public interface IConversionEventSink
{
    /// <summary>Queues an event without blocking.</summary>
    /// <param name="conversionEvent">The event.</param>
    /// <returns><see langword="false"/> when the event was not accepted (server leg off, queue full, or the event is invalid); the reason is logged and counted.</returns>
    bool TryEnqueue(ConversionEvent conversionEvent);
}
