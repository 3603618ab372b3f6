using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OaiqPixel;

/// <summary>
/// Writes events in the Conversions API wire format: each event as
/// <c>{id, type, timestamp_ms, custom_event_name?, oppref?, source_url?, action_source, user?, opt_out?, data}</c>
/// and the request body as <c>{"validate_only":…, "integration_source"?:…, "events":[…]}</c>.
/// </summary>
/// <remarks>
/// Written with <see cref="Utf8JsonWriter"/> and pre-encoded property names: no reflection and no intermediate objects.
/// Only documented fields are written; <c>user</c> uses the plural lists (<c>emails_sha256</c>, …).
/// </remarks>
public static class ConversionsApiSerializer
{
    /// <summary>The most events one request may carry.</summary>
    public const int MaxBatchSize = 1000;

    /// <summary>The writer options of every Conversions API body: JSON escaping only, no structural validation.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        // A server-to-server JSON body is never embedded in HTML, so only JSON's own escaping is needed.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Writes a whole request body.</summary>
    /// <param name="output">Where the UTF-8 JSON goes.</param>
    /// <param name="events">1 to 1,000 events.</param>
    /// <param name="validateOnly">Whether the API should only validate (<c>validate_only</c>).</param>
    /// <param name="integrationSource">An optional partner integration identifier (<c>integration_source</c>).</param>
    /// <exception cref="ArgumentException">There are no events, more than 1,000, or the integration source is malformed.</exception>
    public static void WriteBatch(IBufferWriter<byte> output, IReadOnlyList<ConversionEvent> events, bool validateOnly = false, string? integrationSource = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(events);
        CheckBatch(events.Count, nameof(events), integrationSource);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteBoolean(WireNames.ValidateOnly, validateOnly);
        if (integrationSource is not null)
        {
            writer.WriteString(WireNames.IntegrationSource, integrationSource);
        }

        writer.WriteStartArray(WireNames.Events);
        for (var i = 0; i < events.Count; i++)
        {
            WriteEvent(writer, events[i]);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes a whole request body from queued (packed) events, without rebuilding them.</summary>
    /// <remarks>
    /// The sender's path. It writes raw UTF-8 (<see cref="RawJsonWriter"/>) rather than through a
    /// <see cref="Utf8JsonWriter"/>, and produces the same bytes as <see cref="WriteBatch"/> for the same events (a
    /// property test holds the two independent writers to each other). Packing events only to write them would cost
    /// more than it saves, so <see cref="WriteBatch"/> keeps the writer.
    /// </remarks>
    /// <exception cref="ArgumentException">See <see cref="WriteBatch"/>.</exception>
    internal static void WritePackedBatch(IBufferWriter<byte> output, IReadOnlyList<byte[]> packedEvents, bool validateOnly, string? integrationSource)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(packedEvents);
        CheckBatch(packedEvents.Count, nameof(packedEvents), integrationSource);
        var w = new RawJsonWriter(output);
        w.Raw(validateOnly ? "{\"validate_only\":true"u8 : "{\"validate_only\":false"u8);
        if (integrationSource is not null)
        {
            // Checked by CheckBatch: 1-64 ASCII letters, digits, '.', '_' or '-', so its bytes are its characters.
            Span<byte> utf8 = stackalloc byte[integrationSource.Length];
            System.Text.Encoding.ASCII.GetBytes(integrationSource, utf8);
            w.Raw(",\"integration_source\":"u8);
            w.String(utf8);
        }

        w.Raw(",\"events\":["u8);
        for (var i = 0; i < packedEvents.Count; i++)
        {
            if (i > 0)
            {
                w.Raw((byte)',');
            }

            ConversionEventPacker.WriteJson(ref w, packedEvents[i]);
        }

        w.Raw("]}"u8);
        w.Flush();
    }

    private static void CheckBatch(int count, string paramName, string? integrationSource)
    {
        if (count is 0 or > MaxBatchSize)
        {
            throw new ArgumentException($"A Conversions API request carries 1-{MaxBatchSize} events; got {count}.", paramName);
        }

        if (integrationSource is not null && !IsValidIntegrationSource(integrationSource))
        {
            throw new ArgumentException(
                "integration_source must be 1-64 ASCII characters: a letter or digit, then letters, digits, '.', '_' or '-'.",
                nameof(integrationSource));
        }
    }

    /// <summary>Serializes a whole request body to a new array.</summary>
    /// <param name="events">1 to 1,000 events.</param>
    /// <param name="validateOnly">Whether the API should only validate.</param>
    /// <param name="integrationSource">An optional partner integration identifier.</param>
    /// <returns>The UTF-8 JSON body.</returns>
    /// <exception cref="ArgumentException">See <see cref="WriteBatch"/>.</exception>
    public static byte[] SerializeBatch(IReadOnlyList<ConversionEvent> events, bool validateOnly = false, string? integrationSource = null)
    {
        var buffer = new ArrayBufferWriter<byte>(events?.Count * 512 ?? 256);
        WriteBatch(buffer, events!, validateOnly, integrationSource);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serializes one event (without the envelope), for logs of ids and tests.</summary>
    /// <param name="conversionEvent">The event.</param>
    /// <returns>The event as a JSON string.</returns>
    public static string SerializeEvent(ConversionEvent conversionEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteEvent(writer, conversionEvent);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes one event object.</summary>
    /// <param name="writer">The writer, positioned where a value may be written.</param>
    /// <param name="conversionEvent">The event.</param>
    public static void WriteEvent(Utf8JsonWriter writer, ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(conversionEvent);
        var e = conversionEvent;

        writer.WriteStartObject();
        writer.WriteString(WireNames.Id, e.Id);
        writer.WriteString(WireNames.Type, e.Event.EncodedName);
        writer.WriteNumber(WireNames.TimestampMs, e.Timestamp.ToUnixTimeMilliseconds());
        if (e.Event.CustomEventName is { } customName)
        {
            writer.WriteString(WireNames.CustomEventName, customName);
        }

        if (e.Oppref is { } oppref)
        {
            writer.WriteString(WireNames.Oppref, oppref);
        }

        if (e.SourceUrl is { } sourceUrl)
        {
            writer.WriteString(WireNames.SourceUrl, sourceUrl);
        }

        if (e.EffectiveActionSource is { } actionSource)
        {
            writer.WriteString(WireNames.ActionSourceField, WireNames.Encoded(actionSource));
        }

        if (e.User is { IsEmpty: false } user)
        {
            WriteUser(writer, user);
        }

        if (e.OptOut)
        {
            writer.WriteBoolean(WireNames.OptOut, true);
        }

        writer.WritePropertyName(WireNames.Data);
        WriteData(writer, e.Event.Data, includeConversionsApiOnlyFields: true);
        writer.WriteEndObject();
    }

    internal static void WriteData(Utf8JsonWriter writer, EventData data, bool includeConversionsApiOnlyFields)
    {
        writer.WriteStartObject();
        writer.WriteString(WireNames.Type, WireNames.Encoded(data.Type));
        if (data.PlanIdValue is { } planId)
        {
            writer.WriteString(WireNames.PlanId, planId);
        }

        if (data.Amount is { } amount)
        {
            writer.WriteNumber(WireNames.Amount, amount.MinorUnits);
            writer.WriteString(WireNames.Currency, amount.EncodedCurrency);
        }

        var contents = data.ContentItems;
        if (contents.Count > 0)
        {
            writer.WriteStartArray(WireNames.Contents);
            for (var i = 0; i < contents.Count; i++)
            {
                WriteContent(writer, contents[i], includeConversionsApiOnlyFields);
            }

            writer.WriteEndArray();
        }

        if (includeConversionsApiOnlyFields && data is CustomData { Properties.Count: > 0 } custom)
        {
            foreach (var (name, value) in custom.Properties)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter writer, Content content, bool includeConversionsApiOnlyFields)
    {
        writer.WriteStartObject();
        if (content.Id is { } id)
        {
            writer.WriteString(WireNames.Id, id);
        }

        if (includeConversionsApiOnlyFields && content.GroupId is { } groupId)
        {
            writer.WriteString(WireNames.GroupId, groupId);
        }

        if (content.Name is { } name)
        {
            writer.WriteString(WireNames.Name, name);
        }

        if (content.ContentType is { } contentType)
        {
            writer.WriteString(WireNames.ContentType, contentType);
        }

        if (content.Quantity is { } quantity)
        {
            writer.WriteNumber(WireNames.Quantity, quantity);
        }

        if (content.Amount is { } amount)
        {
            writer.WriteNumber(WireNames.Amount, amount.MinorUnits);
            writer.WriteString(WireNames.Currency, amount.EncodedCurrency);
        }

        if (includeConversionsApiOnlyFields && content.Variant is { Count: > 0 } variant)
        {
            writer.WriteStartObject(WireNames.VariantDict);
            foreach (var (key, value) in variant)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteUser(Utf8JsonWriter writer, UserData user)
    {
        writer.WriteStartObject(WireNames.User);
        if (user.Obref is { } obref)
        {
            writer.WriteString(WireNames.Obref, obref);
        }

        WriteList(writer, WireNames.EmailsSha256, user.EmailsSha256);
        WriteList(writer, WireNames.PhoneNumbersSha256, user.PhoneNumbersSha256);
        WriteList(writer, WireNames.ExternalIdsSha256, user.ExternalIdsSha256);
        WriteList(writer, WireNames.FirstNamesSha256, user.FirstNamesSha256);
        WriteList(writer, WireNames.LastNamesSha256, user.LastNamesSha256);
        WriteList(writer, WireNames.Countries, user.Countries);
        WriteList(writer, WireNames.Regions, user.Regions);
        WriteList(writer, WireNames.Cities, user.Cities);
        WriteList(writer, WireNames.PostalCodes, user.PostalCodes);
        if (user.AndroidAdvertisingId is { } gaid)
        {
            writer.WriteString(WireNames.AndroidAdvertisingId, gaid);
        }

        if (user.IpAddress is { } ip)
        {
            writer.WriteString(WireNames.IpAddress, ip);
        }

        if (user.UserAgent is { } userAgent)
        {
            writer.WriteString(WireNames.UserAgent, userAgent);
        }

        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteStringValue(values[i]);
        }

        writer.WriteEndArray();
    }

    /// <summary>Whether a value is a valid <c>integration_source</c>: 1–64 ASCII characters, a letter or digit first, then letters, digits, <c>.</c>, <c>_</c> or <c>-</c>.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidIntegrationSource(string? value)
    {
        if (value is not { Length: > 0 and <= 64 } || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
