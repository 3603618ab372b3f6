using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OaiqPixel;

/// <summary>
/// What the server-leg queue pays per event: <c>Pack</c> (on the request path, inside <c>Track</c>),
/// <c>WriteJsonFromPacked</c> (the sender writing the request body from the queued bytes) and <c>Unpack</c> (only for
/// dead letters and stale-event logs), against writing the same event's Conversions API JSON into a reused buffer (the baseline: the
/// other way a queue could keep an event compact).
/// </summary>
[MemoryDiagnoser]
public class PackBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private ConversionEvent _event = null!;
    private byte[] _packed = [];

    [GlobalSetup]
    public void Setup()
    {
        // The event TrackBenchmarks records: two items, and the request's source URL, IP and user agent.
        _event = new ConversionEvent(
            OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
            [
                new Content { Id = "sku_1", Name = "Starter bundle", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_2", Name = "Refill", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
            ]),
            "order_42",
            DateTimeOffset.UtcNow)
        {
            SourceUrl = "https://shop.example/checkout/confirmation",
            User = UserData.Empty.WithIpAddress("127.0.0.1").WithUserAgent("Mozilla/5.0 (bench)"),
        };
        _packed = ConversionEventPacker.Pack(_event);
        Console.WriteLine($"// packed {_packed.Length} bytes, JSON {SerializeEvent()} bytes");
    }

    [Benchmark(Baseline = true)]
    public int SerializeEvent()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        ConversionsApiSerializer.WriteEvent(writer, _event);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public byte[] Pack() => ConversionEventPacker.Pack(_event);

    [Benchmark]
    public ConversionEvent Unpack() => ConversionEventPacker.Unpack(_packed);

    [Benchmark]
    public int WriteJsonFromPacked()
    {
        _buffer.ResetWrittenCount();
        ConversionEventPacker.WriteJson(_buffer, _packed);
        return _buffer.WrittenCount;
    }
}
