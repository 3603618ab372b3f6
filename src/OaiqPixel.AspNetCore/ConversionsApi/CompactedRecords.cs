using System.Buffers;
using System.IO.Compression;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// A run of consecutive queued records, compressed together while they wait out an outage. Records of one app share most
/// of their text (field names, user agents, URLs), so Brotli at its fastest setting keeps a record in about a sixth of
/// its JSON; each record's pixel, type and time stay beside the compressed bytes, and <see cref="Expand"/> gives back
/// the same records, byte for byte.
/// </summary>
/// <remarks>
/// Created holding its records as they are, then compressed off the queue's lock; a reader that gets to it first simply
/// takes the records as they are. The request-activity links of compressed records are not kept.
/// </remarks>
internal sealed class CompactedRecords(ConversionEventRecord[] records)
{
    private const int Quality = 1;
    private const int Window = 22;

    private volatile ConversionEventRecord[]? _records = records;
    private Compressed? _compressed;

    /// <summary>Compresses the run; a run that does not compress is left as it is.</summary>
    public void Compress()
    {
        var records = _records;
        if (records is null)
        {
            return;
        }

        var lengths = new int[records.Length];
        var timestamps = new long[records.Length];
        var pixelIds = new string[records.Length];
        var types = new string[records.Length];
        var total = 0;
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            lengths[i] = record.Json.Length;
            timestamps[i] = record.TimestampMs;
            pixelIds[i] = record.PixelId;
            types[i] = record.EventType;
            total += lengths[i];
        }

        var raw = ArrayPool<byte>.Shared.Rent(total);
        var output = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(total));
        try
        {
            var offset = 0;
            foreach (var record in records)
            {
                record.Json.Span.CopyTo(raw.AsSpan(offset));
                offset += record.Json.Length;
            }

            if (!BrotliEncoder.TryCompress(raw.AsSpan(0, total), output, out var written, Quality, Window) || written >= total)
            {
                return;
            }

            _compressed = new Compressed(output.AsSpan(0, written).ToArray(), total, lengths, timestamps, pixelIds, types);
            _records = null; // volatile: the compressed form is published first
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>The records, in order.</summary>
    /// <exception cref="InvalidDataException">The compressed bytes do not decompress to what was compressed (never expected).</exception>
    public ConversionEventRecord[] Expand()
    {
        if (_records is { } records)
        {
            return records;
        }

        var c = _compressed!;
        var raw = ArrayPool<byte>.Shared.Rent(c.TotalLength);
        try
        {
            if (!BrotliDecoder.TryDecompress(c.Bytes, raw, out var written) || written != c.TotalLength)
            {
                throw new InvalidDataException("A compacted run of queued records did not decompress to its original length.");
            }

            var result = new ConversionEventRecord[c.Lengths.Length];
            var offset = 0;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = ConversionEventRecord.Restore(c.PixelIds[i], c.Types[i], c.Timestamps[i], raw.AsSpan(offset, c.Lengths[i]).ToArray());
                offset += c.Lengths[i];
            }

            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    private sealed record Compressed(byte[] Bytes, int TotalLength, int[] Lengths, long[] Timestamps, string[] PixelIds, string[] Types);
}
