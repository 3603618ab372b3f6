namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>A pixel event recorded in a request, and whether its browser leg is done (<see cref="PageEvents.Take"/>).</summary>
internal sealed class RecordedEvent(ConversionEvent conversionEvent)
{
    public ConversionEvent Event { get; } = conversionEvent;

    /// <summary>Rendered on this page, carried to the next one, or dropped by the gate: not taken again.</summary>
    public bool Done { get; set; }
}
