using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static OaiqPixel.Testing.Validation.JsonValueRules;

namespace OaiqPixel.Testing.Validation;

/// <summary>
/// One event's own fields (spec §4.2): no unknown field; <c>id</c>, <c>type</c>, <c>timestamp_ms</c> in its window,
/// <c>custom_event_name</c> only and always for <c>custom</c> (§3.3), <c>action_source</c> (and <c>mobile_app</c> for
/// app events), <c>source_url</c> for web events, <c>oppref</c>, <c>opt_out</c>; then <c>user</c> and <c>data</c>
/// through their own validators.
/// </summary>
internal static partial class EventValidator
{
    private static readonly string _eventTypeList = string.Join(", ", ConversionsApiSchema.EventDataTypes.Keys.Order(StringComparer.Ordinal));
    private static readonly string _actionSourceList = string.Join(", ", ConversionsApiSchema.ActionSources.Order(StringComparer.Ordinal));

    public static ValidationError? Validate(JsonElement item, DateTimeOffset now, int index)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"events[{index}]");
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: must be an object (got {Describe(item)})";
        }

        if (item.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !ConversionsApiSchema.EventFields.Contains(n)) is { } unknown)
        {
            return $"{path}.{unknown}: unknown field";
        }

        // In the order of the fields, so the first invalid field is the one named.
        return Required(item, "id", path, RequireNonBlankString)
            ?? ValidateType(item, path, out var type, out var expectedDataType)
            ?? ValidateTimestamp(item, path, now)
            ?? ValidateCustomEventName(item, path, type)
            ?? ValidateActionSource(item, path, type)
            ?? Optional(item, "oppref", path, RequireNonBlankString)
            ?? Optional(item, "opt_out", path, RequireBoolean)
            ?? Optional(item, "user", path, UserValidator.Validate)
            ?? (item.TryGetProperty("data", out var data)
                ? DataValidator.Validate(data, $"{path}.data", type, expectedDataType)
                : $"{path}.data: required");
    }

    private static string? ValidateType(JsonElement item, string path, out string type, out string expectedDataType)
    {
        (type, expectedDataType) = (string.Empty, string.Empty);
        if (!item.TryGetProperty("type", out var typeElement))
        {
            return $"{path}.type: required";
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            return $"{path}.type: must be a string (got {Describe(typeElement)})";
        }

        type = typeElement.GetString()!;
        return ConversionsApiSchema.EventDataTypes.TryGetValue(type, out expectedDataType!)
            ? null
            : $"{path}.type: must be one of {_eventTypeList} (got \"{type}\")";
    }

    /// <summary><c>action_source</c> (<c>mobile_app</c> for app events), and the <c>source_url</c> a web event needs.</summary>
    private static string? ValidateActionSource(JsonElement item, string path, string type)
    {
        string? actionSource = null;
        if (item.TryGetProperty("action_source", out var actionSourceElement))
        {
            if (actionSourceElement.ValueKind != JsonValueKind.String)
            {
                return $"{path}.action_source: must be a string (got {Describe(actionSourceElement)})";
            }

            actionSource = actionSourceElement.GetString()!;
            if (!ConversionsApiSchema.ActionSources.Contains(actionSource))
            {
                return $"{path}.action_source: must be one of {_actionSourceList} (got \"{actionSource}\")";
            }
        }

        if (ConversionsApiSchema.AppEventTypes.Contains(type) && actionSource != "mobile_app")
        {
            return actionSource is null
                ? $"{path}.action_source: required (\"mobile_app\") for {type} events"
                : $"{path}.action_source: must be \"mobile_app\" for {type} events (got \"{actionSource}\")";
        }

        if (item.TryGetProperty("source_url", out var sourceUrl))
        {
            return sourceUrl.ValueKind != JsonValueKind.String || !IsHttpUrl(sourceUrl.GetString()!)
                ? $"{path}.source_url: must be an absolute http or https URL with a host"
                : null;
        }

        return actionSource == "web" ? $"{path}.source_url: required when action_source is \"web\"" : null;
    }

    private static string? ValidateTimestamp(JsonElement item, string path, DateTimeOffset now)
    {
        if (!item.TryGetProperty("timestamp_ms", out var timestamp))
        {
            return $"{path}.timestamp_ms: required";
        }

        if (!TryGetInteger(timestamp, out var ms))
        {
            return $"{path}.timestamp_ms: must be an integer (Unix time in milliseconds)";
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        if (ms < nowMs - (long)ConversionsApiSchema.MaxEventAge.TotalMilliseconds)
        {
            return $"{path}.timestamp_ms: must be within the last 7 days";
        }

        if (ms > nowMs + (long)ConversionsApiSchema.MaxFutureSkew.TotalMilliseconds)
        {
            return $"{path}.timestamp_ms: must not be more than 10 minutes in the future";
        }

        return null;
    }

    private static string? ValidateCustomEventName(JsonElement item, string path, string type)
    {
        var present = item.TryGetProperty("custom_event_name", out var name);
        if (type != "custom")
        {
            return present ? $"{path}.custom_event_name: only allowed when type is \"custom\"" : null;
        }

        if (!present)
        {
            return $"{path}.custom_event_name: required when type is \"custom\"";
        }

        if (name.ValueKind != JsonValueKind.String)
        {
            return $"{path}.custom_event_name: must be a string (got {Describe(name)})";
        }

        var value = name.GetString()!;
        if (!CustomEventNameRegex().IsMatch(value))
        {
            return $"{path}.custom_event_name: must be 1-64 lowercase letters, digits, '_' or '-', starting and ending with a letter or digit";
        }

        return ConversionsApiSchema.EventDataTypes.ContainsKey(value)
            ? $"{path}.custom_event_name: must not be a standard event name (got \"{value}\")"
            : null;
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex CustomEventNameRegex();
}
