namespace OaiqPixel.Sandbox;

/// <summary>One <c>oaiq(...)</c> call the sandbox SDK saw in a browser.</summary>
/// <param name="PageId">Identifies one page load (one run of the SDK).</param>
/// <param name="Path">The page's path.</param>
/// <param name="Command">init, consent, measure, …</param>
/// <param name="EventName">The event name of a measure call.</param>
/// <param name="EventId">The <c>event_id</c> option of a measure call.</param>
/// <param name="CustomEventName">The <c>custom_event_name</c> option of a custom event.</param>
/// <param name="Dropped">Whether the SDK dropped the call because consent was false.</param>
/// <param name="Arguments">The call's arguments as JSON.</param>
/// <param name="ReceivedAt">When the app received the report.</param>
/// <param name="Pixels">The pixels a measure call reached: every pixel initialized at the time for <c>measure</c>, the
/// named one for <c>measureSingle</c> (none when it was not initialized: the SDK loses it), spec §1.7.</param>
public sealed record SandboxBrowserCall(
    string PageId,
    string? Path,
    string Command,
    string? EventName,
    string? EventId,
    string? CustomEventName,
    bool Dropped,
    string Arguments,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<string>? Pixels = null);
