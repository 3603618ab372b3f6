using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using OaiqPixel;
using OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The Conversions API body for 1,000 <c>order_created</c> events with 3 items each: <c>Library</c> writes each event's
/// record (Utf8JsonWriter, pre-encoded names; what <c>Track</c> pays per event) and the body around them, against
/// <see cref="JsonSerializer"/> on plain DTOs of the same shape (the baseline), both into a reused buffer.
/// <c>LibraryFromQueue</c> is the sender's path: the body around records the queue already holds (a copy).
/// </summary>
[MemoryDiagnoser]
public class SerializerBenchmarks
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private ConversionEvent[] _events = [];
    private ConversionEventRecord[] _records = [];
    private BatchDto _dto = null!;

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UtcNow;
        var user = UserData.FromEmail("ada@example.com").WithObref("123e4567-e89b-42d3-a456-426614174000").WithIpAddress("203.0.113.7").WithUserAgent("Mozilla/5.0 (bench)");
        _events = Enumerable.Range(0, 1000).Select(i => new ConversionEvent(
            OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
            [
                new Content { Id = "sku_1", Name = "Starter bundle", ContentType = "product", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_2", Name = "Refill", ContentType = "product", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_3", Name = "Gift wrap", ContentType = "service", Quantity = 1, Amount = Money.FromMinorUnits(0, "USD") },
            ]), "order_" + i, now)
        {
            Oppref = "gAAAAABoppref-click-token_" + i,
            SourceUrl = "https://shop.example.com/checkout/confirmation",
            User = user,
        }).ToArray();

        _dto = new BatchDto(false, null, _events.Select(e => new EventDto(
            e.Id, e.Event.Name, e.Timestamp.ToUnixTimeMilliseconds(), null, e.Oppref, e.SourceUrl, "web",
            new UserDto(e.User!.Obref, [.. e.User.EmailsSha256], e.User.IpAddress, e.User.UserAgent),
            new DataDto("contents", 7797, "USD", [.. ((ContentsData)e.Event.Data).Contents.Select(c => new ContentDto(c.Id, c.Name, c.ContentType, c.Quantity, c.Amount?.MinorUnits, c.Amount?.Currency))]))).ToArray());

        _records = _events.Select(e => ConversionEventRecord.Create(e, "px_bench")).ToArray();

        // Same bytes either way (modulo property order), so the comparison is fair.
        LibraryFromQueue();
        var fromQueue = _buffer.WrittenSpan.ToArray();
        Library();
        var library = _buffer.WrittenCount;
        if (!_buffer.WrittenSpan.SequenceEqual(fromQueue))
        {
            throw new InvalidOperationException("The body written from the queue differs from the serializer's.");
        }

        Baseline();
        Console.WriteLine($"// body size: library {library:N0} bytes, baseline {_buffer.WrittenCount:N0} bytes");
    }

    [Benchmark]
    public int Library()
    {
        _buffer.ResetWrittenCount();
        var records = new ConversionEventRecord[_events.Length];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = ConversionEventRecord.Create(_events[i], "px_bench");
        }

        _buffer.Advance(ConversionsApiRequestBody.Write(_buffer.GetSpan(ConversionsApiRequestBody.MaxLength(records, null)), records, validateOnly: false, integrationSource: null));
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int LibraryFromQueue()
    {
        _buffer.ResetWrittenCount();
        _buffer.Advance(ConversionsApiRequestBody.Write(_buffer.GetSpan(ConversionsApiRequestBody.MaxLength(_records, null)), _records, validateOnly: false, integrationSource: null));
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    public int Baseline()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        JsonSerializer.Serialize(writer, _dto, s_options);
        return _buffer.WrittenCount;
    }

    public sealed record BatchDto(
        [property: JsonPropertyName("validate_only")] bool ValidateOnly,
        [property: JsonPropertyName("integration_source")] string? IntegrationSource,
        [property: JsonPropertyName("events")] EventDto[] Events);

    public sealed record EventDto(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("timestamp_ms")] long TimestampMs,
        [property: JsonPropertyName("custom_event_name")] string? CustomEventName,
        [property: JsonPropertyName("oppref")] string? Oppref,
        [property: JsonPropertyName("source_url")] string? SourceUrl,
        [property: JsonPropertyName("action_source")] string ActionSource,
        [property: JsonPropertyName("user")] UserDto User,
        [property: JsonPropertyName("data")] DataDto Data);

    public sealed record UserDto(
        [property: JsonPropertyName("obref")] string? Obref,
        [property: JsonPropertyName("emails_sha256")] string[] EmailsSha256,
        [property: JsonPropertyName("ip_address")] string? IpAddress,
        [property: JsonPropertyName("user_agent")] string? UserAgent);

    public sealed record DataDto(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("amount")] long Amount,
        [property: JsonPropertyName("currency")] string Currency,
        [property: JsonPropertyName("contents")] ContentDto[] Contents);

    public sealed record ContentDto(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("content_type")] string? ContentType,
        [property: JsonPropertyName("quantity")] int? Quantity,
        [property: JsonPropertyName("amount")] long? Amount,
        [property: JsonPropertyName("currency")] string? Currency);
}
