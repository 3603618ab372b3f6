using System.Text.Json;
using OaiqPixel.Testing.Validation;

namespace OaiqPixel.Testing;

// One entry point per unit a user checks; each concern of the contract has its own validator in Validation/
// (envelope, event fields, data and contents, user), so that each rule has one place and each file one subject.
/// <summary>
/// Strict validator for a Conversions API request body (spec sections 3 and 4), as applied by
/// <see cref="FakeConversionsApi"/>. Also usable on its own, without HTTP, to check a serializer's output.
/// </summary>
/// <remarks>
/// Every method returns <see langword="null"/> when the input is valid, otherwise the first problem found, in the
/// form <c>events[&lt;index&gt;].&lt;field&gt;: &lt;reason&gt;</c> (envelope problems name the envelope field).
/// Events are checked in order, so the message names the lowest invalid index.
/// </remarks>
public static class ConversionsRequestValidator
{
    /// <summary>Validates a whole request body (envelope and every event).</summary>
    /// <param name="body">The parsed request body.</param>
    /// <param name="now">The current time, for the <c>timestamp_ms</c> window.</param>
    /// <param name="poisonEvent">Optional predicate; a structurally valid event it matches is reported as invalid.</param>
    /// <returns><see langword="null"/> when valid, otherwise the error message.</returns>
    public static string? Validate(JsonElement body, DateTimeOffset now, Func<JsonElement, bool>? poisonEvent = null) =>
        EnvelopeValidator.Validate(body, now, poisonEvent)?.Message;

    /// <summary>Validates one event object.</summary>
    /// <param name="item">The event.</param>
    /// <param name="now">The current time, for the <c>timestamp_ms</c> window.</param>
    /// <param name="index">The event's index in the batch, used in the message.</param>
    /// <returns><see langword="null"/> when valid, otherwise the error message.</returns>
    public static string? ValidateEvent(JsonElement item, DateTimeOffset now, int index = 0) =>
        EventValidator.Validate(item, now, index)?.Message;
}
