namespace OaiqPixel.Testing.Validation;

/// <summary>
/// The first problem found in a request body: the message in the documented form <c>&lt;field&gt;: &lt;reason&gt;</c>
/// (<see cref="ConversionsRequestValidator"/>), and, where the live API was seen to answer one, its error <c>code</c>.
/// </summary>
/// <param name="Message">What is wrong, naming the field.</param>
/// <param name="Code">The API's error code, e.g. <see cref="ConversionsApiSchema.EventTypeDataMismatchCode"/>; <see langword="null"/> when none was observed.</param>
internal sealed record ValidationError(string Message, string? Code = null)
{
    /// <summary>The field the message names (the text before <c>": "</c>, e.g. <c>events[0].data.type</c>), or <see langword="null"/>.</summary>
    public string? Param
    {
        get
        {
            var end = Message.IndexOf(": ", StringComparison.Ordinal);
            return end > 0 && !Message.AsSpan(0, end).Contains(' ') ? Message[..end] : null;
        }
    }

    /// <summary>A validator's message as an error without a code; <see langword="null"/> stays <see langword="null"/> (valid).</summary>
    /// <param name="message">The message, or <see langword="null"/>.</param>
    public static implicit operator ValidationError?(string? message) => message is null ? null : new ValidationError(message);
}
