namespace OaiqPixel.Sandbox;

/// <summary>One event the sandbox Conversions API accepted.</summary>
/// <param name="id">The event <c>id</c>.</param>
/// <param name="type">The event <c>type</c>.</param>
/// <param name="customEventName">The <c>custom_event_name</c>, for custom events.</param>
/// <param name="oppref">The <c>oppref</c>, byte-for-byte.</param>
/// <param name="sourceUrl">The <c>source_url</c>.</param>
/// <param name="validateOnly">Whether the request had <c>validate_only: true</c> (validated, not saved).</param>
/// <param name="json">The event as received.</param>
/// <param name="receivedAt">When it arrived.</param>
/// <param name="pixelId">The pixel it was sent to (the request's <c>pid</c>).</param>
/// <param name="matchKeys">The match keys it carried (<c>oppref</c>, <c>obref</c>, <c>email</c>, <c>phone</c>,
/// <c>external id</c>, <c>IP</c>, <c>user agent</c>, …; spec §4.6), by name, or <see langword="null"/> when not read.</param>
public sealed class SandboxServerEvent(
    string id,
    string type,
    string? customEventName,
    string? oppref,
    string? sourceUrl,
    bool validateOnly,
    string json,
    DateTimeOffset receivedAt,
    string? pixelId = null,
    IReadOnlyList<string>? matchKeys = null)
{
    /// <summary>The event <c>id</c>.</summary>
    public string Id { get; } = id;

    /// <summary>The event <c>type</c>.</summary>
    public string Type { get; } = type;

    /// <summary>The <c>custom_event_name</c>, for custom events.</summary>
    public string? CustomEventName { get; } = customEventName;

    /// <summary>The <c>oppref</c>, byte-for-byte.</summary>
    public string? Oppref { get; } = oppref;

    /// <summary>The <c>source_url</c>.</summary>
    public string? SourceUrl { get; } = sourceUrl;

    /// <summary>Whether the request had <c>validate_only: true</c> (validated, not saved).</summary>
    public bool ValidateOnly { get; } = validateOnly;

    /// <summary>The event as received.</summary>
    public string Json { get; } = json;

    /// <summary>When it arrived.</summary>
    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>The pixel it was sent to (the request's <c>pid</c>).</summary>
    public string? PixelId { get; } = pixelId;

    /// <summary>The match keys it carried, by name (never their values), in the spec's order (§4.6); empty when none or not read.</summary>
    public IReadOnlyList<string> MatchKeys { get; } = matchKeys ?? [];
}
