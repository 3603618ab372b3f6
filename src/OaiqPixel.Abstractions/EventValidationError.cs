namespace OaiqPixel;

/// <summary>One reason the Conversions API would refuse an event.</summary>
/// <param name="Field">The wire field at fault, e.g. <c>timestamp_ms</c> or <c>source_url</c>.</param>
/// <param name="Message">What is wrong and how to fix it; never contains personal data.</param>
public sealed record EventValidationError(string Field, string Message)
{
    /// <summary>Formats as <c>field: message</c>.</summary>
    /// <returns>The field and message.</returns>
    public override string ToString() => $"{Field}: {Message}";
}
