namespace OaiqPixel.Sandbox;

/// <summary>A Conversions API request the sandbox refused, as the real API would (the whole batch).</summary>
/// <param name="statusCode">400 or 401.</param>
/// <param name="message">Why.</param>
/// <param name="eventCount">How many events the refused batch held.</param>
/// <param name="eventIds">Their ids, where readable.</param>
/// <param name="receivedAt">When it arrived.</param>
public sealed class SandboxRejection(
    int statusCode,
    string message,
    int eventCount,
    IReadOnlyList<string> eventIds,
    DateTimeOffset receivedAt)
{
    /// <summary>400 or 401.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>Why.</summary>
    public string Message { get; } = message;

    /// <summary>How many events the refused batch held.</summary>
    public int EventCount { get; } = eventCount;

    /// <summary>Their ids, where readable.</summary>
    public IReadOnlyList<string> EventIds { get; } = eventIds;

    /// <summary>When it arrived.</summary>
    public DateTimeOffset ReceivedAt { get; } = receivedAt;
}
