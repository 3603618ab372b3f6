using System.Collections.Frozen;

namespace OaiqPixel.Testing;

/// <summary>
/// The parts of the Conversions API contract (spec sections 3 and 4) that <see cref="ConversionsRequestValidator"/>
/// and <see cref="FakeConversionsApi"/> enforce, exposed for tests.
/// </summary>
public static class ConversionsApiSchema
{
    /// <summary>The events endpoint path (<c>POST /v1/events?pid=…</c>).</summary>
    public const string EventsPath = "/v1/events";

    /// <summary>Maximum number of events per request.</summary>
    public const int MaxEventsPerRequest = 1000;

    /// <summary>The 400 message observed for a body without the <c>events</c> wrapper.</summary>
    public const string MissingEventsMessage = "Missing required field: events";

    /// <summary>The 401 message observed for a wrong or missing key.</summary>
    public const string InsufficientPermissionsMessage =
        "You have insufficient permissions for this operation. Missing scopes: ads.third_party_events.write.";

    /// <summary>The <c>error.type</c> used for 400 and 401 responses.</summary>
    public const string InvalidRequestErrorType = "invalid_request_error";

    /// <summary>
    /// The <c>error.code</c> of a 400 for an event whose <c>data.type</c> is not the one its event type requires (e.g.
    /// <c>lead_created</c> with <c>contents</c> data), with <c>error.param</c> naming <c>events[i].data.type</c>. Observed
    /// on the live API by a third party (2026-09-10), not documented by OpenAI.
    /// </summary>
    public const string EventTypeDataMismatchCode = "event_type_data_mismatch";

    /// <summary>The oldest accepted <c>timestamp_ms</c>, relative to now.</summary>
    public static TimeSpan MaxEventAge { get; } = TimeSpan.FromDays(7);

    /// <summary>How far in the future a <c>timestamp_ms</c> may be.</summary>
    public static TimeSpan MaxFutureSkew { get; } = TimeSpan.FromMinutes(10);

    /// <summary>The 13 event types, each mapped to the <c>data.type</c> it requires.</summary>
    public static IReadOnlyDictionary<string, string> EventDataTypes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["page_viewed"] = "contents",
        ["contents_viewed"] = "contents",
        ["items_added"] = "contents",
        ["checkout_started"] = "contents",
        ["order_created"] = "contents",
        ["lead_created"] = "customer_action",
        ["registration_completed"] = "customer_action",
        ["appointment_scheduled"] = "customer_action",
        ["subscription_created"] = "plan_enrollment",
        ["trial_started"] = "plan_enrollment",
        ["custom"] = "custom",
        ["app_installed"] = "customer_action",
        ["app_opened"] = "customer_action",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Event types that require <c>action_source: "mobile_app"</c>.</summary>
    public static IReadOnlySet<string> AppEventTypes { get; } =
        new[] { "app_installed", "app_opened" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Allowed <c>action_source</c> values.</summary>
    public static IReadOnlySet<string> ActionSources { get; } =
        new[] { "web", "mobile_app", "offline", "physical_store", "phone_call", "email", "other" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Allowed top-level request body fields.</summary>
    public static IReadOnlySet<string> EnvelopeFields { get; } =
        new[] { "validate_only", "integration_source", "events" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Allowed fields of one event.</summary>
    public static IReadOnlySet<string> EventFields { get; } =
        new[] { "id", "type", "timestamp_ms", "custom_event_name", "oppref", "source_url", "action_source", "user", "opt_out", "data" }
            .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Allowed fields of each <c>data.contents[]</c> item.</summary>
    public static IReadOnlySet<string> ContentFields { get; } =
        new[] { "id", "group_id", "name", "content_type", "quantity", "amount", "currency", "variant_dict" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Hashed <c>user</c> list fields (arrays of lowercase 64-hex SHA-256 strings).</summary>
    public static IReadOnlySet<string> UserHashedListFields { get; } =
        new[] { "emails_sha256", "phone_numbers_sha256", "external_ids_sha256", "first_names_sha256", "last_names_sha256" }
            .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Raw <c>user</c> list fields (arrays of strings).</summary>
    public static IReadOnlySet<string> UserRawListFields { get; } =
        new[] { "regions", "postal_codes", "cities", "countries" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Scalar <c>user</c> string fields.</summary>
    public static IReadOnlySet<string> UserStringFields { get; } =
        new[] { "android_advertising_id", "obref", "ip_address", "user_agent" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Fields allowed in <c>data</c> for each <c>data.type</c> (<c>custom</c> also allows any extra property).</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> DataFields { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["contents"] = new[] { "type", "amount", "currency", "contents" }.ToFrozenSet(StringComparer.Ordinal),
        ["customer_action"] = new[] { "type", "amount", "currency" }.ToFrozenSet(StringComparer.Ordinal),
        ["plan_enrollment"] = new[] { "type", "plan_id", "amount", "currency", "contents" }.ToFrozenSet(StringComparer.Ordinal),
        ["custom"] = new[] { "type", "plan_id", "amount", "currency", "contents" }.ToFrozenSet(StringComparer.Ordinal),
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
