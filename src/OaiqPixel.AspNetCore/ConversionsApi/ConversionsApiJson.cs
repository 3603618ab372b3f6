using System.Text.Encodings.Web;
using System.Text.Json;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The one writer of the Conversions API event JSON (spec §4.2–§4.6):
/// <c>{id, type, timestamp_ms, custom_event_name?, oppref?, source_url?, action_source?, user?, opt_out?, data}</c>.
/// Each accepted event is written by it once, into its <see cref="ConversionEventRecord"/>; the pixel's
/// <c>measure</c> data reuses <see cref="WriteData"/> without the Conversions API-only fields.
/// </summary>
/// <remarks>
/// <see cref="Utf8JsonWriter"/> with pre-encoded property names: no reflection, no intermediate objects. Only
/// documented fields are written; <c>user</c> uses the plural lists (<c>emails_sha256</c>, …), spec §4.6.
/// </remarks>
internal static class ConversionsApiJson
{
    /// <summary>
    /// JSON escaping only: a server-to-server body is never embedded in HTML, so non-ASCII text stays raw UTF-8 (smaller
    /// records), and the writer skips structural validation (the code above it is the structure).
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // The wire spelling of the model's enums is their name in snake case (spec §3.2, §4.2): MobileApp is mobile_app,
    // CustomerAction is customer_action. Encoded once, indexed by value.
    private static readonly JsonEncodedText[] s_dataTypes = EncodeNames<EventDataType>();
    private static readonly JsonEncodedText[] s_actionSources = EncodeNames<ActionSource>();

    private static readonly JsonEncodedText s_id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText s_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText s_timestampMs = JsonEncodedText.Encode("timestamp_ms");
    private static readonly JsonEncodedText s_customEventName = JsonEncodedText.Encode("custom_event_name");
    private static readonly JsonEncodedText s_oppref = JsonEncodedText.Encode("oppref");
    private static readonly JsonEncodedText s_sourceUrl = JsonEncodedText.Encode("source_url");
    private static readonly JsonEncodedText s_actionSource = JsonEncodedText.Encode("action_source");
    private static readonly JsonEncodedText s_user = JsonEncodedText.Encode("user");
    private static readonly JsonEncodedText s_optOut = JsonEncodedText.Encode("opt_out");
    private static readonly JsonEncodedText s_data = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText s_planId = JsonEncodedText.Encode("plan_id");
    private static readonly JsonEncodedText s_amount = JsonEncodedText.Encode("amount");
    private static readonly JsonEncodedText s_currency = JsonEncodedText.Encode("currency");
    private static readonly JsonEncodedText s_contents = JsonEncodedText.Encode("contents");
    private static readonly JsonEncodedText s_groupId = JsonEncodedText.Encode("group_id");
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText s_contentType = JsonEncodedText.Encode("content_type");
    private static readonly JsonEncodedText s_quantity = JsonEncodedText.Encode("quantity");
    private static readonly JsonEncodedText s_variantDict = JsonEncodedText.Encode("variant_dict");
    private static readonly JsonEncodedText s_obref = JsonEncodedText.Encode("obref");
    private static readonly JsonEncodedText s_emailsSha256 = JsonEncodedText.Encode("emails_sha256");
    private static readonly JsonEncodedText s_phoneNumbersSha256 = JsonEncodedText.Encode("phone_numbers_sha256");
    private static readonly JsonEncodedText s_externalIdsSha256 = JsonEncodedText.Encode("external_ids_sha256");
    private static readonly JsonEncodedText s_firstNamesSha256 = JsonEncodedText.Encode("first_names_sha256");
    private static readonly JsonEncodedText s_lastNamesSha256 = JsonEncodedText.Encode("last_names_sha256");
    private static readonly JsonEncodedText s_countries = JsonEncodedText.Encode("countries");
    private static readonly JsonEncodedText s_regions = JsonEncodedText.Encode("regions");
    private static readonly JsonEncodedText s_cities = JsonEncodedText.Encode("cities");
    private static readonly JsonEncodedText s_postalCodes = JsonEncodedText.Encode("postal_codes");
    private static readonly JsonEncodedText s_androidAdvertisingId = JsonEncodedText.Encode("android_advertising_id");
    private static readonly JsonEncodedText s_ipAddress = JsonEncodedText.Encode("ip_address");
    private static readonly JsonEncodedText s_userAgent = JsonEncodedText.Encode("user_agent");

    // The user fields that are match keys, by the names written above: how a record read back finds its keys.
    private static readonly (JsonEncodedText Name, ConversionEventMatchKeys Key)[] s_userKeys =
    [
        (s_obref, ConversionEventMatchKeys.Obref),
        (s_emailsSha256, ConversionEventMatchKeys.Email),
        (s_phoneNumbersSha256, ConversionEventMatchKeys.Phone),
        (s_externalIdsSha256, ConversionEventMatchKeys.ExternalId),
        (s_firstNamesSha256, ConversionEventMatchKeys.FirstName),
        (s_lastNamesSha256, ConversionEventMatchKeys.LastName),
        (s_countries, ConversionEventMatchKeys.Country),
        (s_regions, ConversionEventMatchKeys.Region),
        (s_cities, ConversionEventMatchKeys.City),
        (s_postalCodes, ConversionEventMatchKeys.PostalCode),
        (s_androidAdvertisingId, ConversionEventMatchKeys.AdvertisingId),
        (s_ipAddress, ConversionEventMatchKeys.IpAddress),
        (s_userAgent, ConversionEventMatchKeys.UserAgent),
    ];

    /// <summary>Writes one event object.</summary>
    /// <param name="writer">The writer, positioned where a value may be written.</param>
    /// <param name="conversionEvent">The event.</param>
    /// <returns>The match keys written (the one place they are determined: a key counts when its field is written).</returns>
    public static ConversionEventMatchKeys WriteEvent(Utf8JsonWriter writer, ConversionEvent conversionEvent)
    {
        var e = conversionEvent;
        var keys = ConversionEventMatchKeys.None;
        writer.WriteStartObject();
        writer.WriteString(s_id, e.Id);
        writer.WriteString(s_type, e.Event.Name);
        writer.WriteNumber(s_timestampMs, e.Timestamp.ToUnixTimeMilliseconds());
        WriteStringIf(writer, s_customEventName, e.Event.CustomEventName);
        keys |= Key(WriteStringIf(writer, s_oppref, e.Oppref), ConversionEventMatchKeys.Oppref);
        WriteStringIf(writer, s_sourceUrl, e.SourceUrl);
        if (e.EffectiveActionSource is { } actionSource)
        {
            writer.WriteString(s_actionSource, s_actionSources[(int)actionSource]);
        }

        if (e.User is { IsEmpty: false } user)
        {
            keys |= WriteUser(writer, user);
        }

        if (e.OptOut)
        {
            writer.WriteBoolean(s_optOut, true);
        }

        writer.WritePropertyName(s_data);
        WriteData(writer, e.Event.Data, includeConversionsApiOnlyFields: true);
        writer.WriteEndObject();
        return keys;
    }

    /// <summary>
    /// The match key of an event property this writer wrote (<c>oppref</c>, or <c>user</c> with its fields), read back
    /// from a record's JSON by the same names; any other property is skipped.
    /// </summary>
    /// <param name="reader">Positioned on a property name of the event object; left on the property's last token.</param>
    /// <returns>The keys the property carries.</returns>
    public static ConversionEventMatchKeys ReadMatchKeys(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals(s_oppref.EncodedUtf8Bytes))
        {
            reader.Read();
            return Key(Carries(ref reader), ConversionEventMatchKeys.Oppref);
        }

        if (!reader.ValueTextEquals(s_user.EncodedUtf8Bytes))
        {
            reader.Skip();
            return ConversionEventMatchKeys.None;
        }

        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return ConversionEventMatchKeys.None;
        }

        var keys = ConversionEventMatchKeys.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = ConversionEventMatchKeys.None;
            foreach (var (name, userKey) in s_userKeys)
            {
                if (reader.ValueTextEquals(name.EncodedUtf8Bytes))
                {
                    key = userKey;
                    break;
                }
            }

            reader.Read();
            keys |= Key(Carries(ref reader), key);
        }

        return keys;

        // A non-empty string, or a list with a value; the reader is left on the value's last token.
        static bool Carries(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return reader.ValueSpan.Length > 0;
            }

            var first = reader;
            var carries = reader.TokenType == JsonTokenType.StartArray && first.Read() && first.TokenType != JsonTokenType.EndArray;
            reader.Skip();
            return carries;
        }
    }

    /// <summary>Writes a <c>data</c> object (spec §3.2).</summary>
    /// <param name="writer">The writer, positioned where a value may be written.</param>
    /// <param name="data">The event's data.</param>
    /// <param name="includeConversionsApiOnlyFields">
    /// <see langword="false"/> for the pixel, which drops events carrying <c>group_id</c>, <c>variant_dict</c> or free
    /// custom properties (spec §3.2).
    /// </param>
    public static void WriteData(Utf8JsonWriter writer, EventData data, bool includeConversionsApiOnlyFields)
    {
        writer.WriteStartObject();
        writer.WriteString(s_type, s_dataTypes[(int)data.Type]);
        var (planId, contents) = data switch
        {
            ContentsData c => (null, c.Contents),
            PlanEnrollmentData p => (p.PlanId, p.Contents),
            CustomData c => (c.PlanId, c.Contents),
            _ => ((string?)null, (IReadOnlyList<Content>)[]),
        };
        WriteStringIf(writer, s_planId, planId);
        WriteMoney(writer, data.Amount);
        if (contents.Count > 0)
        {
            writer.WriteStartArray(s_contents);
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

    private static JsonEncodedText[] EncodeNames<TEnum>()
        where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>();
        var names = new JsonEncodedText[values.Length];
        foreach (var value in values)
        {
            names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)] = JsonEncodedText.Encode(JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()));
        }

        return names;
    }

    private static void WriteContent(Utf8JsonWriter writer, Content content, bool includeConversionsApiOnlyFields)
    {
        writer.WriteStartObject();
        WriteStringIf(writer, s_id, content.Id);
        if (includeConversionsApiOnlyFields)
        {
            WriteStringIf(writer, s_groupId, content.GroupId);
        }

        WriteStringIf(writer, s_name, content.Name);
        WriteStringIf(writer, s_contentType, content.ContentType);
        if (content.Quantity is { } quantity)
        {
            writer.WriteNumber(s_quantity, quantity);
        }

        WriteMoney(writer, content.Amount);
        if (includeConversionsApiOnlyFields && content.Variant is { Count: > 0 } variant)
        {
            writer.WriteStartObject(s_variantDict);
            foreach (var (key, value) in variant)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static ConversionEventMatchKeys WriteUser(Utf8JsonWriter writer, UserData user)
    {
        writer.WriteStartObject(s_user);
        var keys = Key(WriteStringIf(writer, s_obref, user.Obref), ConversionEventMatchKeys.Obref)
            | Key(WriteList(writer, s_emailsSha256, user.EmailsSha256), ConversionEventMatchKeys.Email)
            | Key(WriteList(writer, s_phoneNumbersSha256, user.PhoneNumbersSha256), ConversionEventMatchKeys.Phone)
            | Key(WriteList(writer, s_externalIdsSha256, user.ExternalIdsSha256), ConversionEventMatchKeys.ExternalId)
            | Key(WriteList(writer, s_firstNamesSha256, user.FirstNamesSha256), ConversionEventMatchKeys.FirstName)
            | Key(WriteList(writer, s_lastNamesSha256, user.LastNamesSha256), ConversionEventMatchKeys.LastName)
            | Key(WriteList(writer, s_countries, user.Countries), ConversionEventMatchKeys.Country)
            | Key(WriteList(writer, s_regions, user.Regions), ConversionEventMatchKeys.Region)
            | Key(WriteList(writer, s_cities, user.Cities), ConversionEventMatchKeys.City)
            | Key(WriteList(writer, s_postalCodes, user.PostalCodes), ConversionEventMatchKeys.PostalCode)
            | Key(WriteStringIf(writer, s_androidAdvertisingId, user.AndroidAdvertisingId), ConversionEventMatchKeys.AdvertisingId)
            | Key(WriteStringIf(writer, s_ipAddress, user.IpAddress), ConversionEventMatchKeys.IpAddress)
            | Key(WriteStringIf(writer, s_userAgent, user.UserAgent), ConversionEventMatchKeys.UserAgent);
        writer.WriteEndObject();
        return keys;
    }

    private static ConversionEventMatchKeys Key(bool written, ConversionEventMatchKeys key) => written ? key : ConversionEventMatchKeys.None;

    private static void WriteMoney(Utf8JsonWriter writer, Money? money)
    {
        if (money is { } m)
        {
            writer.WriteNumber(s_amount, m.MinorUnits);
            writer.WriteString(s_currency, m.Currency);
        }
    }

    private static bool WriteStringIf(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            return false;
        }

        writer.WriteString(name, value);
        return value.Length > 0;
    }

    private static bool WriteList(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return false;
        }

        writer.WriteStartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteStringValue(values[i]);
        }

        writer.WriteEndArray();
        return true;
    }
}
