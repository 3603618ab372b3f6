using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// One accepted event as the Conversions API receives it: the event's JSON object (spec §4.2, UTF-8), written once when
/// the event is accepted, with the few fields a sender needs beside it (pixel, type, time, id). It is what the
/// in-memory queue holds, what a request body is made of (the envelope around the records), what a durable store keeps
/// and what a dead letter hands back.
/// </summary>
/// <remarks>
/// Immutable. <see cref="Id"/> and (for a record read back) <see cref="MatchKeys"/> are read from the JSON on first use
/// rather than kept beside it, so a queued record costs its JSON and a few references.
/// </remarks>
public sealed class ConversionEventRecord
{
    private const int MaxRetainedCapacity = 16 * 1024;

    // A thread's reusable buffer and writer: writing a record allocates only the record's own bytes.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    private readonly byte[] _json;
    private readonly long _timestampMs;
    private readonly StrongBox<ActivityContext>? _requestActivity; // boxed: an untraced record carries a null, not an empty context
    // Not yet read from the JSON. A sentinel rather than a nullable: a nullable is two fields, and a record shared between
    // threads could tear it (HasValue seen before the value), whereas one enum field is written atomically.
    private const ConversionEventMatchKeys UnreadMatchKeys = (ConversionEventMatchKeys)(-1);

    private string? _id;
    private ConversionEventMatchKeys _matchKeys;

    private ConversionEventRecord(string pixelId, string eventType, long timestampMs, byte[] json, string? id, StrongBox<ActivityContext>? requestActivity, ConversionEventMatchKeys matchKeys)
    {
        PixelId = pixelId;
        _matchKeys = matchKeys;
        EventType = eventType;
        _timestampMs = timestampMs;
        _json = json;
        _id = id;
        _requestActivity = requestActivity;
    }

    /// <summary>
    /// The oldest a record may be and still be accepted or sent: 10 minutes less than the Conversions API's 7-day limit on
    /// <c>timestamp_ms</c> (spec §4.2, <see cref="ConversionEventValidator.MaxAge"/>), so an event cannot expire on its way.
    /// Older records are refused when written and dropped before a send, by every store.
    /// </summary>
    public static TimeSpan MaxAge { get; } = ConversionEventValidator.MaxAge - TimeSpan.FromMinutes(10);

    /// <summary>
    /// The oldest <see cref="Timestamp"/> a record may carry and still be sent at <paramref name="now"/>:
    /// <paramref name="now"/> less <see cref="MaxAge"/>. A record strictly older is too old (<see cref="IsTooOld"/>); a
    /// store that filters in its own query (SQL) compares against this.
    /// </summary>
    /// <param name="now">The current time (the app's <see cref="TimeProvider"/>).</param>
    /// <returns><paramref name="now"/> − <see cref="MaxAge"/>.</returns>
    public static DateTimeOffset OldestSendable(DateTimeOffset now) => now - MaxAge;

    /// <summary>
    /// Whether the record is past <see cref="MaxAge"/> at <paramref name="now"/> (its <see cref="Timestamp"/> is before
    /// <see cref="OldestSendable"/>): the one rule for "too old", by which the delivery drops a record before a send
    /// (<see cref="ConversionEventDeliveryOutcome.Stale"/>) and a dead-letter replay leaves one where it is.
    /// </summary>
    /// <param name="now">The current time (the app's <see cref="TimeProvider"/>).</param>
    /// <returns><see langword="true"/> when the API's 7-day window (spec §4.2, less the 10-minute margin) has passed.</returns>
    public bool IsTooOld(DateTimeOffset now) => Timestamp < OldestSendable(now);

    /// <summary>The Pixel ID the event is sent for (the request's <c>pid</c>, spec §4.1).</summary>
    public string PixelId { get; }

    /// <summary>The event name, the JSON's <c>type</c> (e.g. <c>order_created</c>, spec §3.1).</summary>
    public string EventType { get; }

    /// <summary>When the event happened, the JSON's <c>timestamp_ms</c>; unchanged on every resend.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(_timestampMs);

    /// <summary>The event id, the JSON's <c>id</c>: the key that deduplicates it with its pixel twin and any resend.</summary>
    public string Id => _id ??= ReadId(_json);

    /// <summary>The event object exactly as it is sent: UTF-8 JSON, no surrounding white space.</summary>
    public ReadOnlyMemory<byte> Json => _json;

    /// <summary>
    /// The match keys the event carries (<c>oppref</c> and the <c>user</c> fields OpenAI matches on, spec §4.6), by name:
    /// determined while <see cref="Create"/> writes the JSON, or read from the JSON on first use for a record read back.
    /// </summary>
    public ConversionEventMatchKeys MatchKeys
    {
        get
        {
            var keys = _matchKeys;
            return keys != UnreadMatchKeys ? keys : _matchKeys = ReadMatchKeys(_json);
        }
    }

    /// <summary>The JSON's <c>timestamp_ms</c>.</summary>
    internal long TimestampMs => _timestampMs;

    /// <summary>The trace context of the request that recorded the event, when it was being traced; the send span links to it.</summary>
    internal ActivityContext? RequestActivity => _requestActivity?.Value;

    /// <summary>Writes an event into its record.</summary>
    /// <param name="conversionEvent">The event, already accepted (see <see cref="ConversionEventValidator"/>).</param>
    /// <param name="pixelId">The Pixel ID it is sent for.</param>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixelId"/> is empty.</exception>
    public static ConversionEventRecord Create(ConversionEvent conversionEvent, string pixelId)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        ArgumentException.ThrowIfNullOrEmpty(pixelId);
        var buffer = t_buffer is { Capacity: <= MaxRetainedCapacity } kept ? kept : t_buffer = new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_json ??= new Utf8JsonWriter(buffer, ConversionsApiJson.WriterOptions);
        writer.Reset(buffer);
        ConversionEventMatchKeys matchKeys;
        try
        {
            matchKeys = ConversionsApiJson.WriteEvent(writer, conversionEvent);
            writer.Flush();
        }
        catch
        {
            t_json = null; // a writer left mid-object is not reused
            throw;
        }

        var json = buffer.WrittenSpan.ToArray();

        var current = Activity.Current;
        return new ConversionEventRecord(
            pixelId,
            conversionEvent.Event.Name,
            conversionEvent.Timestamp.ToUnixTimeMilliseconds(),
            json,
            id: null,
            current is { Recorded: true } ? new StrongBox<ActivityContext>(current.Context) : null,
            matchKeys);
    }

    /// <summary>The same event for another pixel: the same JSON (an event's copies for two pixels share one id, spec §5).</summary>
    internal ConversionEventRecord ForPixel(string pixelId) => new(pixelId, EventType, _timestampMs, _json, _id, _requestActivity, _matchKeys);

    /// <summary>Rebuilds a record this library wrote (a compacted queue run), without checking it again.</summary>
    internal static ConversionEventRecord Restore(string pixelId, string eventType, long timestampMs, byte[] json) =>
        new(pixelId, eventType, timestampMs, json, id: null, requestActivity: null, UnreadMatchKeys);

    /// <summary>Reads back a record kept elsewhere (a durable store, a dead-letter file) from its JSON.</summary>
    /// <param name="pixelId">The Pixel ID it is sent for.</param>
    /// <param name="json">The event object as <see cref="Json"/> gave it.</param>
    /// <returns>The record, sent exactly as given, with the <see cref="MatchKeys"/> its JSON carries.</returns>
    /// <exception cref="ArgumentException">
    /// The JSON is not one object whose first properties are a string <c>id</c>, a string <c>type</c> and a number
    /// <c>timestamp_ms</c> (the order this library writes), or <paramref name="pixelId"/> is empty.
    /// </exception>
    public static ConversionEventRecord FromJson(string pixelId, ReadOnlySpan<byte> json)
    {
        ArgumentException.ThrowIfNullOrEmpty(pixelId);
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed();
            }

            var id = ReadString(ref reader, "id"u8);
            var type = ReadString(ref reader, "type"u8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("timestamp_ms"u8)
                || !reader.Read() || !reader.TryGetInt64(out var timestampMs))
            {
                throw Malformed();
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.BytesConsumed != json.Length || KnownEventType(type) is not { } eventType)
            {
                throw Malformed();
            }

            return new ConversionEventRecord(pixelId, eventType, timestampMs, json.ToArray(), id, null, UnreadMatchKeys);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("The record JSON is not valid JSON: " + ex.Message, nameof(json), ex);
        }

        static string ReadString(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals(name)
                || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                throw Malformed();
            }

            return reader.GetString()!;
        }

        static string? KnownEventType(string type) => OaiqEventNames.All.FirstOrDefault(name => string.Equals(name, type, StringComparison.Ordinal));

        static ArgumentException Malformed() => new(
            "A record is one Conversions API event object that starts with its \"id\", \"type\" and \"timestamp_ms\", as ConversionEventRecord.Json gives it.",
            nameof(json));
    }

    /// <summary>The event type and id, for logs; carries no personal data.</summary>
    /// <returns>E.g. <c>order_created order_42</c>.</returns>
    public override string ToString() => $"{EventType} {Id}";

    private static string ReadId(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Read();
        reader.Read();
        return reader.GetString()!;
    }

    private static ConversionEventMatchKeys ReadMatchKeys(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var keys = ConversionEventMatchKeys.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            keys |= ConversionsApiJson.ReadMatchKeys(ref reader);
        }

        return keys;
    }
}
