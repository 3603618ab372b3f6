using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static OaiqPixel.Testing.Validation.JsonValueRules;

namespace OaiqPixel.Testing.Validation;

/// <summary>
/// The request body around the events (spec §4.1): an object with <c>events</c> (1–1,000 of them),
/// <c>validate_only</c> and <c>integration_source</c> and nothing else; then each event in order, so the first
/// invalid one, lowest index first, refuses the batch.
/// </summary>
internal static partial class EnvelopeValidator
{
    public static ValidationError? Validate(JsonElement body, DateTimeOffset now, Func<JsonElement, bool>? poisonEvent)
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
            var error = EventValidator.Validate(item, now, index);
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

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntegrationSourceRegex();
}
