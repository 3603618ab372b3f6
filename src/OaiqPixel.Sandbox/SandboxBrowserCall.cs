namespace OaiqPixel.Sandbox;

/// <summary>One <c>oaiq(...)</c> call the sandbox SDK saw in a browser.</summary>
/// <param name="pageId">Identifies one page load (one run of the SDK).</param>
/// <param name="path">The page's path.</param>
/// <param name="command">init, consent, measure, …</param>
/// <param name="eventName">The event name of a measure call.</param>
/// <param name="eventId">The <c>event_id</c> option of a measure call.</param>
/// <param name="customEventName">The <c>custom_event_name</c> option of a custom event.</param>
/// <param name="dropped">Whether the SDK dropped the call: consent was false, or a <c>measureSingle</c> named a pixel it had not initialized.</param>
/// <param name="arguments">The call's arguments as JSON.</param>
/// <param name="receivedAt">When the app received the report.</param>
/// <param name="pixels">The pixels a measure call reached: every pixel initialized at the time for <c>measure</c>, the
/// named one for <c>measureSingle</c> (none when it was not initialized: the SDK loses it), spec §1.7.</param>
public sealed class SandboxBrowserCall(
    string pageId,
    string? path,
    string command,
    string? eventName,
    string? eventId,
    string? customEventName,
    bool dropped,
    string arguments,
    DateTimeOffset receivedAt,
    IReadOnlyList<string>? pixels = null)
{
    /// <summary>Identifies one page load (one run of the SDK).</summary>
    public string PageId { get; } = pageId;

    /// <summary>The page's path.</summary>
    public string? Path { get; } = path;

    /// <summary>init, consent, measure, …</summary>
    public string Command { get; } = command;

    /// <summary>The event name of a measure call.</summary>
    public string? EventName { get; } = eventName;

    /// <summary>The <c>event_id</c> option of a measure call.</summary>
    public string? EventId { get; } = eventId;

    /// <summary>The <c>custom_event_name</c> option of a custom event.</summary>
    public string? CustomEventName { get; } = customEventName;

    /// <summary>Whether the SDK dropped the call: consent was false, or a <c>measureSingle</c> named a pixel it had not initialized.</summary>
    public bool Dropped { get; } = dropped;

    /// <summary>The call's arguments as JSON.</summary>
    public string Arguments { get; } = arguments;

    /// <summary>When the app received the report.</summary>
    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>The pixels a measure call reached: every pixel initialized at the time for <c>measure</c>, the
    /// named one for <c>measureSingle</c> (none when it was not initialized: the SDK loses it), spec §1.7.</summary>
    public IReadOnlyList<string>? Pixels { get; } = pixels;
}
