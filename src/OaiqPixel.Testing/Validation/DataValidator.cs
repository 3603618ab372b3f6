using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static OaiqPixel.Testing.Validation.JsonValueRules;

namespace OaiqPixel.Testing.Validation;

/// <summary>
/// An event's <c>data</c> (spec §3.2 and §4.4): the <c>data.type</c> its event type requires, only the fields that
/// type allows (any extra one for <c>custom</c>), <c>amount</c> in minor units with a <c>currency</c>, and each
/// <c>contents[]</c> item with its own amount, currency and <c>variant_dict</c>.
/// </summary>
internal static partial class DataValidator
{
    public static ValidationError? Validate(JsonElement data, string path, string eventType, string expectedType)
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
            // Observed live (spec, additions of 2026-12-07): lead_created with contents data is refused with this code.
            return new ValidationError($"{path}.type: must be \"{expectedType}\" for {eventType} events (got \"{dataType}\")", ConversionsApiSchema.EventTypeDataMismatchCode);
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

        var hasCurrency = data.TryGetProperty("currency", out _);
        return Optional(data, "currency", path, ValidateCurrency)
            ?? Optional(data, "amount", path, (amount, amountPath) => RequireNonNegativeInteger(amount, amountPath, "minor units")
                ?? (hasCurrency ? null : $"{path}.currency: required when amount is present"))
            ?? Optional(data, "plan_id", path, RequireString)
            ?? Optional(data, "contents", path, (contents, contentsPath) => ValidateContents(contents, contentsPath, hasCurrency));
    }

    private static string? ValidateContents(JsonElement contents, string path, bool eventHasCurrency)
    {
        if (contents.ValueKind != JsonValueKind.Array)
        {
            return $"{path}: must be an array (got {Describe(contents)})";
        }

        var index = 0;
        foreach (var content in contents.EnumerateArray())
        {
            var error = ValidateContent(content, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"), eventHasCurrency);
            if (error is not null)
            {
                return error;
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

    private static string? ValidateCurrency(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String && CurrencyRegex().IsMatch(value.GetString()!)
            ? null
            : $"{path}: must be a three-letter ISO 4217 currency code";

    [GeneratedRegex(@"^[A-Za-z]{3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyRegex();
}
