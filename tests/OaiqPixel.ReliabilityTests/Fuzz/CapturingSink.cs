using System.Collections.Concurrent;

namespace OaiqPixel.ReliabilityTests.Fuzz;

/// <summary>Stands in for the server leg's queue and keeps what it was handed.</summary>
internal sealed class CapturingSink : IConversionEventSink
{
    public ConcurrentQueue<ConversionEvent> Events { get; } = new();

    public bool TryEnqueue(ConversionEvent conversionEvent)
    {
        Events.Enqueue(conversionEvent);
        return true;
    }
}
