using System.Text.Json;

namespace OaiqPixel.Testing.Validation;

/// <summary>
/// The value checks every part of the request shares (booleans, strings, non-negative integers) and how a wrong
/// value is named in a message.
/// </summary>
internal static class JsonValueRules
{
    /// <summary>The check of a field that must be present: <paramref name="check"/> on its value, or <c>required</c>.</summary>
    public static string? Required(JsonElement parent, string name, string path, Func<JsonElement, string, string?> check) =>
        parent.TryGetProperty(name, out var value) ? check(value, $"{path}.{name}") : $"{path}.{name}: required";

    /// <summary>The check of an optional field: <paramref name="check"/> on its value when present.</summary>
    public static string? Optional(JsonElement parent, string name, string path, Func<JsonElement, string, string?> check) =>
        parent.TryGetProperty(name, out var value) ? check(value, $"{path}.{name}") : null;

    public static string? RequireBoolean(JsonElement value, string path) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"{path}: must be a boolean (got {Describe(value)})";

    public static string? RequireString(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? null : $"{path}: must be a string (got {Describe(value)})";

    public static string? RequireNonBlankString(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return $"{path}: must be a string (got {Describe(value)})";
        }

        return string.IsNullOrWhiteSpace(value.GetString()) ? $"{path}: must not be empty" : null;
    }

    public static string? RequireNonNegativeInteger(JsonElement value, string path, string unit)
    {
        if (!TryGetInteger(value, out var number))
        {
            return $"{path}: must be an integer ({unit}, got {Describe(value)})";
        }

        return number < 0 ? $"{path}: must not be negative" : null;
    }

    public static bool TryGetInteger(JsonElement value, out long number)
    {
        number = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out number);
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number " + value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
