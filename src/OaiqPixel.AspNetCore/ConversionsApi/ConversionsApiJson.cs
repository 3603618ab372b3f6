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

    /// <summary>Writes one event object.</summary>
    /// <param name="writer">The writer, positioned where a value may be written.</param>
    /// <param name="conversionEvent">The event.</param>
    public static void WriteEvent(Utf8JsonWriter writer, ConversionEvent conversionEvent)
    {
        var e = conversionEvent;
        writer.WriteStartObject();
        writer.WriteString(s_id, e.Id);
        writer.WriteString(s_type, e.Event.Name);
        writer.WriteNumber(s_timestampMs, e.Timestamp.ToUnixTimeMilliseconds());
        WriteStringIf(writer, s_customEventName, e.Event.CustomEventName);
        WriteStringIf(writer, s_oppref, e.Oppref);
        WriteStringIf(writer, s_sourceUrl, e.SourceUrl);
        if (e.EffectiveActionSource is { } actionSource)
        {
            writer.WriteString(s_actionSource, s_actionSources[(int)actionSource]);
        }

        if (e.User is { IsEmpty: false } user)
        {
            WriteUser(writer, user);
        }

        if (e.OptOut)
        {
            writer.WriteBoolean(s_optOut, true);
        }

        writer.WritePropertyName(s_data);
        WriteData(writer, e.Event.Data, includeConversionsApiOnlyFields: true);
        writer.WriteEndObject();
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

    private static void WriteUser(Utf8JsonWriter writer, UserData user)
    {
        writer.WriteStartObject(s_user);
        WriteStringIf(writer, s_obref, user.Obref);
        WriteList(writer, s_emailsSha256, user.EmailsSha256);
        WriteList(writer, s_phoneNumbersSha256, user.PhoneNumbersSha256);
        WriteList(writer, s_externalIdsSha256, user.ExternalIdsSha256);
        WriteList(writer, s_firstNamesSha256, user.FirstNamesSha256);
        WriteList(writer, s_lastNamesSha256, user.LastNamesSha256);
        WriteList(writer, s_countries, user.Countries);
        WriteList(writer, s_regions, user.Regions);
        WriteList(writer, s_cities, user.Cities);
        WriteList(writer, s_postalCodes, user.PostalCodes);
        WriteStringIf(writer, s_androidAdvertisingId, user.AndroidAdvertisingId);
        WriteStringIf(writer, s_ipAddress, user.IpAddress);
        WriteStringIf(writer, s_userAgent, user.UserAgent);
        writer.WriteEndObject();
    }

    private static void WriteMoney(Utf8JsonWriter writer, Money? money)
    {
        if (money is { } m)
        {
            writer.WriteNumber(s_amount, m.MinorUnits);
            writer.WriteString(s_currency, m.Currency);
        }
    }

    private static void WriteStringIf(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
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
}
