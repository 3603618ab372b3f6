namespace OaiqPixel.Sandbox;

/// <summary>A Conversions API request the sandbox refused, as the real API would (the whole batch).</summary>
/// <param name="StatusCode">400 or 401.</param>
/// <param name="Message">Why.</param>
/// <param name="EventCount">How many events the refused batch held.</param>
/// <param name="EventIds">Their ids, where readable.</param>
/// <param name="ReceivedAt">When it arrived.</param>
public sealed record SandboxRejection(int StatusCode, string Message, int EventCount, IReadOnlyList<string> EventIds, DateTimeOffset ReceivedAt);
