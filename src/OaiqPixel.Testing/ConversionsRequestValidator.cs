using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OaiqPixel.Testing;

/// <summary>
/// Strict validator for a Conversions API request body (spec sections 3 and 4), as applied by
/// <see cref="FakeConversionsApi"/>. Also usable on its own, without HTTP, to check a serializer's output.
/// </summary>
/// <remarks>
/// Every method returns <see langword="null"/> when the input is valid, otherwise the first problem found, in the
/// form <c>events[&lt;index&gt;].&lt;field&gt;: &lt;reason&gt;</c> (envelope problems name the envelope field).
/// Events are checked in order, so the message names the lowest invalid index.
/// </remarks>
public static partial class ConversionsRequestValidator
{
    private static readonly string _eventTypeList = string.Join(", ", ConversionsApiSchema.EventDataTypes.Keys.Order(StringComparer.Ordinal));
    private static readonly string _actionSourceList = string.Join(", ", ConversionsApiSchema.ActionSources.Order(StringComparer.Ordinal));

    /// <summary>Validates a whole request body (envelope and every event).</summary>
    /// <param name="body">The parsed request body.</param>
    /// <param name="now">The current time, for the <c>timestamp_ms</c> window.</param>
    /// <param name="poisonEvent">Optional predicate; a structurally valid event it matches is reported as invalid.</param>
    /// <returns><see langword="null"/> when valid, otherwise the error message.</returns>
    public static string? Validate(JsonElement body, DateTimeOffset now, Func<JsonElement, bool>? poisonEvent = null)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return "Request body must be a JSON object";
        }

        if (!body.TryGetProperty("events", out var events))
        {
            return ConversionsApiSchema.MissingEventsMessage;
        }

        foreach (var property in body.EnumerateObject())
        {
            var error = property.Name switch
            {
                "events" => null,
                "validate_only" => RequireBoolean(property.Value, "validate_only"),
                "integration_source" => ValidateIntegrationSource(property.Value),
                _ => $"{property.Name}: unknown field",
            };
            if (error is not null)
            {
                return error;
            }
        }

        if (events.ValueKind != JsonValueKind.Array)
        {
            return $"events: must be an array (got {Describe(events)})";
        }

        var count = events.GetArrayLength();
        if (count is < 1 or > ConversionsApiSchema.MaxEventsPerRequest)
        {
            return string.Create(CultureInfo.InvariantCulture, $"events: must contain between 1 and {ConversionsApiSchema.MaxEventsPerRequest} events (got {count})");
        }

        var index = 0;
        foreach (var item in events.EnumerateArray())
        {
            var error = ValidateEvent(item, now, index);
            if (error is not null)
            {
                return error;
            }

            if (poisonEvent is not null && poisonEvent(item))
            {
                return string.Create(CultureInfo.InvariantCulture, $"events[{index}]: rejected by the PoisonEvent predicate");
            }

            index++;
        }

        return null;
    }

    /// <summary>Validates one event object.</summary>
    /// <param name="item">The event.</param>
    /// <param name="now">The current time, for the <c>timestamp_ms</c> window.</param>
    /// <param name="index">The event's index in the batch, used in the message.</param>
    /// <returns><see langword="null"/> when valid, otherwise the error message.</returns>
    public static string? ValidateEvent(JsonElement item, DateTimeOffset now, int index = 0)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"events[{index}]");
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: must be an object (got {Describe(item)})";
        }

        foreach (var property in item.EnumerateObject())
        {
            if (!ConversionsApiSchema.EventFields.Contains(property.Name))
            {
                return $"{path}.{property.Name}: unknown field";
            }
        }

        // id
        if (!item.TryGetProperty("id", out var id))
        {
            return $"{path}.id: required";
        }

        var error = RequireNonBlankString(id, $"{path}.id");
        if (error is not null)
        {
            return error;
        }

        // type
        if (!item.TryGetProperty("type", out var typeElement))
        {
            return $"{path}.type: required";
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            return $"{path}.type: must be a string (got {Describe(typeElement)})";
        }

        var type = typeElement.GetString()!;
        if (!ConversionsApiSchema.EventDataTypes.TryGetValue(type, out var expectedDataType))
        {
            return $"{path}.type: must be one of {_eventTypeList} (got \"{type}\")";
        }

        // timestamp_ms
        error = ValidateTimestamp(item, path, now);
        if (error is not null)
        {
            return error;
        }

        // custom_event_name
        error = ValidateCustomEventName(item, path, type);
        if (error is not null)
        {
            return error;
        }

        // action_source
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

        // source_url
        if (item.TryGetProperty("source_url", out var sourceUrl))
        {
            if (sourceUrl.ValueKind != JsonValueKind.String || !IsHttpUrl(sourceUrl.GetString()!))
            {
                return $"{path}.source_url: must be an absolute http or https URL with a host";
            }
        }
        else if (actionSource == "web")
        {
            return $"{path}.source_url: required when action_source is \"web\"";
        }

        // oppref
        if (item.TryGetProperty("oppref", out var oppref))
        {
            error = RequireNonBlankString(oppref, $"{path}.oppref");
            if (error is not null)
            {
                return error;
            }
        }

        // opt_out
        if (item.TryGetProperty("opt_out", out var optOut))
        {
            error = RequireBoolean(optOut, $"{path}.opt_out");
            if (error is not null)
            {
                return error;
            }
        }

        // user
        if (item.TryGetProperty("user", out var user))
        {
            error = ValidateUser(user, $"{path}.user");
            if (error is not null)
            {
                return error;
            }
        }

        // data
        if (!item.TryGetProperty("data", out var data))
        {
            return $"{path}.data: required";
        }

        return ValidateData(data, $"{path}.data", type, expectedDataType);
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

    private static string? ValidateData(JsonElement data, string path, string eventType, string expectedType)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: must be an object (got {Describe(data)})";
        }

        if (!data.TryGetProperty("type", out var typeElement))
        {
            return $"{path}.type: required";
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            return $"{path}.type: must be a string (got {Describe(typeElement)})";
        }

        var dataType = typeElement.GetString()!;
        if (dataType != expectedType)
        {
            return $"{path}.type: must be \"{expectedType}\" for {eventType} events (got \"{dataType}\")";
        }

        var allowed = ConversionsApiSchema.DataFields[dataType];
        if (dataType != "custom")
        {
            foreach (var property in data.EnumerateObject())
            {
                if (!allowed.Contains(property.Name))
                {
                    return property.Name is "contents" or "plan_id"
                        ? $"{path}.{property.Name}: not allowed when data.type is \"{dataType}\""
                        : $"{path}.{property.Name}: unknown field (extra properties are only allowed when data.type is \"custom\")";
                }
            }
        }

        var hasCurrency = false;
        if (data.TryGetProperty("currency", out var currency))
        {
            var error = ValidateCurrency(currency, $"{path}.currency");
            if (error is not null)
            {
                return error;
            }

            hasCurrency = true;
        }

        if (data.TryGetProperty("amount", out var amount))
        {
            var error = RequireNonNegativeInteger(amount, $"{path}.amount", "minor units");
            if (error is not null)
            {
                return error;
            }

            if (!hasCurrency)
            {
                return $"{path}.currency: required when amount is present";
            }
        }

        if (data.TryGetProperty("plan_id", out var planId) && planId.ValueKind != JsonValueKind.String)
        {
            return $"{path}.plan_id: must be a string (got {Describe(planId)})";
        }

        if (data.TryGetProperty("contents", out var contents))
        {
            if (contents.ValueKind != JsonValueKind.Array)
            {
                return $"{path}.contents: must be an array (got {Describe(contents)})";
            }

            var index = 0;
            foreach (var content in contents.EnumerateArray())
            {
                var error = ValidateContent(content, string.Create(CultureInfo.InvariantCulture, $"{path}.contents[{index}]"), hasCurrency);
                if (error is not null)
                {
                    return error;
                }

                index++;
            }
        }

        return null;
    }

    private static string? ValidateContent(JsonElement content, string path, bool eventHasCurrency)
    {
        if (content.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: must be an object (got {Describe(content)})";
        }

        foreach (var property in content.EnumerateObject())
        {
            var value = property.Value;
            var fieldPath = $"{path}.{property.Name}";
            var error = property.Name switch
            {
                "id" or "group_id" or "name" => RequireString(value, fieldPath),
                "content_type" => RequireNonBlankString(value, fieldPath),
                "quantity" => RequireNonNegativeInteger(value, fieldPath, "count"),
                "amount" => RequireNonNegativeInteger(value, fieldPath, "minor units"),
                "currency" => ValidateCurrency(value, fieldPath),
                "variant_dict" => ValidateVariantDict(value, fieldPath),
                _ => $"{fieldPath}: unknown field",
            };
            if (error is not null)
            {
                return error;
            }
        }

        if (content.TryGetProperty("amount", out _) && !content.TryGetProperty("currency", out _) && !eventHasCurrency)
        {
            return $"{path}.currency: required when amount is present (on the item or on data)";
        }

        return null;
    }

    private static string? ValidateVariantDict(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: must be an object of strings (got {Describe(value)})";
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                return $"{path}.{property.Name}: must be a string (got {Describe(property.Value)})";
            }
        }

        return null;
    }

    private static string? ValidateUser(JsonElement user, string path)
    {
        if (user.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: must be an object (got {Describe(user)})";
        }

        foreach (var property in user.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            var fieldPath = $"{path}.{name}";
            string? error;
            if (ConversionsApiSchema.UserHashedListFields.Contains(name))
            {
                error = ValidateStringList(value, fieldPath, hashed: true);
            }
            else if (ConversionsApiSchema.UserRawListFields.Contains(name))
            {
                error = ValidateStringList(value, fieldPath, hashed: false);
            }
            else if (name == "ip_address")
            {
                error = value.ValueKind == JsonValueKind.String && IsIpAddress(value.GetString()!)
                    ? null
                    : $"{fieldPath}: must be a valid IPv4 or IPv6 address";
            }
            else if (ConversionsApiSchema.UserStringFields.Contains(name))
            {
                error = RequireNonBlankString(value, fieldPath);
            }
            else
            {
                error = $"{fieldPath}: unknown field";
            }

            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ValidateStringList(JsonElement value, string path, bool hashed)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return $"{path}: must be an array of strings (got {Describe(value)})";
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]: must be a string (got {Describe(item)})");
            }

            if (hashed && !Sha256HexRegex().IsMatch(item.GetString()!))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]: must be a SHA-256 digest as 64 lowercase hex characters");
            }

            index++;
        }

        return null;
    }

    private static string? ValidateIntegrationSource(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return $"integration_source: must be a string (got {Describe(value)})";
        }

        // The API trims and lowercases before validating.
        var normalized = value.GetString()!.Trim().ToLowerInvariant();
        return IntegrationSourceRegex().IsMatch(normalized)
            ? null
            : "integration_source: must be 1-64 ASCII characters: a letter or digit, then letters, digits, '.', '_' or '-'";
    }

    private static string? ValidateCurrency(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String && CurrencyRegex().IsMatch(value.GetString()!)
            ? null
            : $"{path}: must be a three-letter ISO 4217 currency code";

    private static string? RequireBoolean(JsonElement value, string path) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"{path}: must be a boolean (got {Describe(value)})";

    private static string? RequireString(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? null : $"{path}: must be a string (got {Describe(value)})";

    private static string? RequireNonBlankString(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return $"{path}: must be a string (got {Describe(value)})";
        }

        return string.IsNullOrWhiteSpace(value.GetString()) ? $"{path}: must not be empty" : null;
    }

    private static string? RequireNonNegativeInteger(JsonElement value, string path, string unit)
    {
        if (!TryGetInteger(value, out var number))
        {
            return $"{path}: must be an integer ({unit}, got {Describe(value)})";
        }

        return number < 0 ? $"{path}: must not be negative" : null;
    }

    private static bool TryGetInteger(JsonElement value, out long number)
    {
        number = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out number);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    private static bool IsIpAddress(string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // IPAddress.TryParse also accepts shorthand such as "10.1" or "0x7f.1"; require dotted-quad decimal.
        return Ipv4Regex().IsMatch(value);
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number " + value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex CustomEventNameRegex();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntegrationSourceRegex();

    [GeneratedRegex(@"^[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256HexRegex();

    [GeneratedRegex(@"^[A-Za-z]{3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyRegex();

    [GeneratedRegex(@"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\z", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Regex();
}
