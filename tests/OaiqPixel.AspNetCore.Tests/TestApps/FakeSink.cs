using System.Collections.Concurrent;
using OaiqPixel;

namespace OaiqPixel.AspNetCore.Tests.TestApps;

/// <summary>The server leg as the browser leg sees it: records what it is handed.</summary>
public sealed class FakeSink : IConversionEventSink
{
    private readonly ConcurrentQueue<ConversionEvent> _events = new();

    public IReadOnlyList<ConversionEvent> Events => [.. _events];

    public bool TryEnqueue(ConversionEvent conversionEvent)
    {
        _events.Enqueue(conversionEvent);
        return true;
    }
}
