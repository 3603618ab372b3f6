using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.TestSupport;

/// <summary>
/// The server leg's store (<see cref="IConversionEventStore"/>, or <see cref="IConversionEventSink"/>), standing in for the
/// Conversions API queue: it counts what it is handed and keeps it — as one event per pixel, as the store receives one
/// record per pixel — or only counts it (a benchmark's hot path), or refuses it. Thread-safe.
/// </summary>
/// <param name="accept">What <see cref="TryEnqueue"/> answers; a refused event is neither counted nor kept.</param>
/// <param name="keepEvents">Whether accepted events are kept in <see cref="Events"/> (or only counted).</param>
public sealed class CapturingSink(bool accept = true, bool keepEvents = true) : IConversionEventSink, IConversionEventStore
{
    private readonly ConcurrentQueue<(ConversionEventRecord Record, HttpContext? Request)> _records = new();

    private readonly ConcurrentQueue<ConversionEvent> _events = new();
    private int _count;

    /// <summary>The accepted events, in the order they were handed over (empty when they are only counted).</summary>
    public IReadOnlyList<ConversionEvent> Events => [.. _events];

    /// <summary>The records the store received, with the request whose unit of work each belongs to (empty when they are only counted).</summary>
    public IReadOnlyList<(ConversionEventRecord Record, HttpContext? Request)> Records => [.. _records];

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

    /// <inheritdoc />
    public bool TryStore(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request)
    {
        if (accept && keepEvents)
        {
            _records.Enqueue((record, request));
        }

        return TryEnqueue(conversionEvent.PixelId == record.PixelId ? conversionEvent : conversionEvent.ForPixel(record.PixelId));
    }
}
