namespace OaiqPixel.Sandbox;

/// <summary>One event the sandbox Conversions API accepted.</summary>
/// <param name="Id">The event <c>id</c>.</param>
/// <param name="Type">The event <c>type</c>.</param>
/// <param name="CustomEventName">The <c>custom_event_name</c>, for custom events.</param>
/// <param name="Oppref">The <c>oppref</c>, byte-for-byte.</param>
/// <param name="SourceUrl">The <c>source_url</c>.</param>
/// <param name="ValidateOnly">Whether the request had <c>validate_only: true</c> (validated, not saved).</param>
/// <param name="Json">The event as received.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="PixelId">The pixel it was sent to (the request's <c>pid</c>).</param>
public sealed record SandboxServerEvent(
    string Id,
    string Type,
    string? CustomEventName,
    string? Oppref,
    string? SourceUrl,
    bool ValidateOnly,
    string Json,
    DateTimeOffset ReceivedAt,
    string? PixelId = null);
