using System.Collections.Concurrent;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// What this app rendered and delivered, per pixel, for the verification to compare with OpenAI's events stream: a ring of
/// the latest <see cref="Capacity"/> events per pixel and leg, for at most <see cref="PixelMetricTags.MaxDistinct"/>
/// pixels (a later pixel is not kept), so memory stays bounded however busy or multi-tenant the app. Registered only with
/// verification: the rendering and delivery paths hold a <see langword="null"/> reference otherwise and pay one check.
/// </summary>
internal sealed class LegLedger(TimeProvider timeProvider)
{
    /// <summary>The events kept per pixel and leg; the stream lists about 50, so this covers its 15 minutes on most sites.</summary>
    public const int Capacity = 512;

    // Read on every rendered and delivered event without a lock; a new pixel is added under the gate, to keep the cap.
    private readonly Lock _pixelsGate = new();
    private readonly ConcurrentDictionary<string, Ring[]> _pixels = new(StringComparer.Ordinal);

    /// <summary>The pixels with kept events.</summary>
    public IReadOnlyList<string> PixelIds => [.. _pixels.Keys];

    /// <summary>Notes a pixel event recorded for the browser leg of a request: each of the page's pixels receives it, unless it is aimed at one (spec §1.7).</summary>
    public void Rendered(IReadOnlyList<string> pixelIds, ConversionEvent conversionEvent)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var time = conversionEvent.Timestamp.ToUnixTimeMilliseconds();
        if (conversionEvent.PixelId is { } single)
        {
            RingOf(single, OaiqVerificationLeg.Pixel)?.Add(new(OaiqVerificationLeg.Pixel, conversionEvent.Event.Name, conversionEvent.Id, time, now));
            return;
        }

        for (var i = 0; i < pixelIds.Count; i++)
        {
            RingOf(pixelIds[i], OaiqVerificationLeg.Pixel)?.Add(new(OaiqVerificationLeg.Pixel, conversionEvent.Event.Name, conversionEvent.Id, time, now));
        }
    }

    /// <summary>Notes records of one pixel the Conversions API accepted.</summary>
    public void Delivered(ArraySegment<ConversionEventRecord> records)
    {
        if (records.Count == 0 || RingOf(records[0].PixelId, OaiqVerificationLeg.Server) is not { } ring)
        {
            return;
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var record in records)
        {
            ring.Add(new(OaiqVerificationLeg.Server, record.EventType, record.Id, record.Timestamp.ToUnixTimeMilliseconds(), now));
        }
    }

    /// <summary>The kept events of a pixel (both legs) whose event time is at or after <paramref name="fromMs"/>.</summary>
    public List<LedgerEntry> Snapshot(string pixelId, long fromMs)
    {
        var entries = new List<LedgerEntry>();
        _pixels.TryGetValue(pixelId, out var rings);
        foreach (var ring in rings ?? [])
        {
            ring.CopyTo(entries, fromMs);
        }

        return entries;
    }

    private Ring? RingOf(string pixelId, OaiqVerificationLeg leg)
    {
        if (_pixels.TryGetValue(pixelId, out var known))
        {
            return known[(int)leg];
        }

        lock (_pixelsGate)
        {
            if (!_pixels.TryGetValue(pixelId, out var rings))
            {
                if (_pixels.Count >= PixelMetricTags.MaxDistinct)
                {
                    return null;
                }

                _pixels[pixelId] = rings = [new Ring(), new Ring()];
            }

            return rings[(int)leg];
        }
    }

    /// <summary>A fixed ring of entries; the oldest is overwritten.</summary>
    private sealed class Ring
    {
        private readonly Lock _gate = new();
        private readonly LedgerEntry[] _entries = new LedgerEntry[Capacity];
        private int _next;
        private int _count;

        public void Add(LedgerEntry entry)
        {
            lock (_gate)
            {
                _entries[_next] = entry;
                _next = (_next + 1) % Capacity;
                _count = Math.Min(_count + 1, Capacity);
            }
        }

        public void CopyTo(List<LedgerEntry> entries, long fromMs)
        {
            lock (_gate)
            {
                for (var i = 0; i < _count; i++)
                {
                    var entry = _entries[(_next - _count + i + Capacity) % Capacity];
                    if (entry.EventTimeMs >= fromMs)
                    {
                        entries.Add(entry);
                    }
                }
            }
        }
    }
}
