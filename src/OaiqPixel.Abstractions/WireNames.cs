using System.Text.Json;

namespace OaiqPixel;

/// <summary>Wire spellings of enums and field names, encoded once.</summary>
internal static class WireNames
{
    public static string Of(EventDataType type) => type switch
    {
        EventDataType.Contents => "contents",
        EventDataType.CustomerAction => "customer_action",
        EventDataType.PlanEnrollment => "plan_enrollment",
        EventDataType.Custom => "custom",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown data type."),
    };

    public static string Of(ActionSource source) => source switch
    {
        ActionSource.Web => "web",
        ActionSource.MobileApp => "mobile_app",
        ActionSource.Offline => "offline",
        ActionSource.PhysicalStore => "physical_store",
        ActionSource.PhoneCall => "phone_call",
        ActionSource.Email => "email",
        ActionSource.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown action source."),
    };

    public static JsonEncodedText Encoded(EventDataType type) => type switch
    {
        EventDataType.Contents => ContentsType,
        EventDataType.CustomerAction => CustomerActionType,
        EventDataType.PlanEnrollment => PlanEnrollmentType,
        _ => CustomType,
    };

    public static JsonEncodedText Encoded(ActionSource source) => source switch
    {
        ActionSource.Web => Web,
        _ => JsonEncodedText.Encode(Of(source)),
    };

    /// <summary>Every event name, encoded once, so events never transcode their name when written.</summary>
    public static readonly System.Collections.Frozen.FrozenDictionary<string, JsonEncodedText> EventNames =
        System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(OaiqEventNames.All, static n => n, static n => JsonEncodedText.Encode(n), StringComparer.Ordinal);

    public static readonly JsonEncodedText ContentsType = JsonEncodedText.Encode("contents");
    public static readonly JsonEncodedText CustomerActionType = JsonEncodedText.Encode("customer_action");
    public static readonly JsonEncodedText PlanEnrollmentType = JsonEncodedText.Encode("plan_enrollment");
    public static readonly JsonEncodedText CustomType = JsonEncodedText.Encode("custom");
    public static readonly JsonEncodedText Web = JsonEncodedText.Encode("web");

    // Envelope and event fields.
    public static readonly JsonEncodedText ValidateOnly = JsonEncodedText.Encode("validate_only");
    public static readonly JsonEncodedText IntegrationSource = JsonEncodedText.Encode("integration_source");
    public static readonly JsonEncodedText Events = JsonEncodedText.Encode("events");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText TimestampMs = JsonEncodedText.Encode("timestamp_ms");
    public static readonly JsonEncodedText CustomEventName = JsonEncodedText.Encode("custom_event_name");
    public static readonly JsonEncodedText Oppref = JsonEncodedText.Encode("oppref");
    public static readonly JsonEncodedText SourceUrl = JsonEncodedText.Encode("source_url");
    public static readonly JsonEncodedText ActionSourceField = JsonEncodedText.Encode("action_source");
    public static readonly JsonEncodedText User = JsonEncodedText.Encode("user");
    public static readonly JsonEncodedText OptOut = JsonEncodedText.Encode("opt_out");
    public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    public static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id");

    // Data and content fields.
    public static readonly JsonEncodedText PlanId = JsonEncodedText.Encode("plan_id");
    public static readonly JsonEncodedText Amount = JsonEncodedText.Encode("amount");
    public static readonly JsonEncodedText Currency = JsonEncodedText.Encode("currency");
    public static readonly JsonEncodedText Contents = JsonEncodedText.Encode("contents");
    public static readonly JsonEncodedText GroupId = JsonEncodedText.Encode("group_id");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText ContentType = JsonEncodedText.Encode("content_type");
    public static readonly JsonEncodedText Quantity = JsonEncodedText.Encode("quantity");
    public static readonly JsonEncodedText VariantDict = JsonEncodedText.Encode("variant_dict");

    // Conversions API user fields (plural lists).
    public static readonly JsonEncodedText Obref = JsonEncodedText.Encode("obref");
    public static readonly JsonEncodedText EmailsSha256 = JsonEncodedText.Encode("emails_sha256");
    public static readonly JsonEncodedText PhoneNumbersSha256 = JsonEncodedText.Encode("phone_numbers_sha256");
    public static readonly JsonEncodedText ExternalIdsSha256 = JsonEncodedText.Encode("external_ids_sha256");
    public static readonly JsonEncodedText FirstNamesSha256 = JsonEncodedText.Encode("first_names_sha256");
    public static readonly JsonEncodedText LastNamesSha256 = JsonEncodedText.Encode("last_names_sha256");
    public static readonly JsonEncodedText Countries = JsonEncodedText.Encode("countries");
    public static readonly JsonEncodedText Regions = JsonEncodedText.Encode("regions");
    public static readonly JsonEncodedText Cities = JsonEncodedText.Encode("cities");
    public static readonly JsonEncodedText PostalCodes = JsonEncodedText.Encode("postal_codes");
    public static readonly JsonEncodedText AndroidAdvertisingId = JsonEncodedText.Encode("android_advertising_id");
    public static readonly JsonEncodedText IpAddress = JsonEncodedText.Encode("ip_address");
    public static readonly JsonEncodedText UserAgent = JsonEncodedText.Encode("user_agent");

    // Pixel init fields (singular keys).
    public static readonly JsonEncodedText PixelId = JsonEncodedText.Encode("pixelId");
    public static readonly JsonEncodedText Debug = JsonEncodedText.Encode("debug");
    public static readonly JsonEncodedText EmailSha256 = JsonEncodedText.Encode("email_sha256");
    public static readonly JsonEncodedText PhoneNumberSha256 = JsonEncodedText.Encode("phone_number_sha256");
    public static readonly JsonEncodedText ExternalIdSha256 = JsonEncodedText.Encode("external_id_sha256");
    public static readonly JsonEncodedText FirstNameSha256 = JsonEncodedText.Encode("first_name_sha256");
    public static readonly JsonEncodedText LastNameSha256 = JsonEncodedText.Encode("last_name_sha256");
    public static readonly JsonEncodedText Country = JsonEncodedText.Encode("country");
    public static readonly JsonEncodedText City = JsonEncodedText.Encode("city");
    public static readonly JsonEncodedText Region = JsonEncodedText.Encode("region");
    public static readonly JsonEncodedText PostalCode = JsonEncodedText.Encode("postal_code");
}
