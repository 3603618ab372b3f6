using System.Collections.Concurrent;

namespace OaiqPixel.TestSupport;

/// <summary>
/// The server leg as the browser leg sees it (<see cref="IConversionEventSink"/>), standing in for the Conversions API
/// queue: it counts what it is handed and keeps it, or only counts it (a benchmark's hot path), or refuses it (a sink
/// registered before the library's own). Thread-safe.
/// </summary>
/// <param name="accept">What <see cref="TryEnqueue"/> answers; a refused event is neither counted nor kept.</param>
/// <param name="keepEvents">Whether accepted events are kept in <see cref="Events"/> (or only counted).</param>
public sealed class CapturingSink(bool accept = true, bool keepEvents = true) : IConversionEventSink
{
    private readonly ConcurrentQueue<ConversionEvent> _events = new();
    private int _count;

    /// <summary>The accepted events, in the order they were handed over (empty when they are only counted).</summary>
    public IReadOnlyList<ConversionEvent> Events => [.. _events];

    /// <summary>How many events were accepted.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public bool TryEnqueue(ConversionEvent conversionEvent)
    {
        if (!accept)
        {
            return false;
        }

        if (keepEvents)
        {
            _events.Enqueue(conversionEvent);
        }

        Interlocked.Increment(ref _count);
        return true;
    }
}
