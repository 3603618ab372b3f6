namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>A pixel event recorded in a request, and whether its browser leg is done (rendered, or dropped by the gate).</summary>
internal sealed class RecordedEvent(ConversionEvent conversionEvent)
{
    public ConversionEvent Event { get; } = conversionEvent;

    /// <summary>Rendered on this page, or dropped (<see cref="OaiqBrowserLegState.Drop"/>): neither rendered again nor carried.</summary>
    public bool Done { get; set; }
}
