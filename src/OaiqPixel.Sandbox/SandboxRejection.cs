namespace OaiqPixel.Sandbox;

/// <summary>A Conversions API request the sandbox refused, as the real API would (the whole batch).</summary>
public sealed class SandboxRejection
{
    /// <summary>Creates one.</summary>
    /// <param name="statusCode">400 or 401.</param>
    /// <param name="message">Why.</param>
    /// <param name="eventCount">How many events the refused batch held.</param>
    /// <param name="eventIds">Their ids, where readable.</param>
    /// <param name="receivedAt">When it arrived.</param>
    public SandboxRejection(
        int statusCode,
        string message,
        int eventCount,
        IReadOnlyList<string> eventIds,
        DateTimeOffset receivedAt)
    {
        StatusCode = statusCode;
        Message = message;
        EventCount = eventCount;
        EventIds = eventIds;
        ReceivedAt = receivedAt;
    }

    /// <summary>400 or 401.</summary>
    public int StatusCode { get; }

    /// <summary>Why.</summary>
    public string Message { get; }

    /// <summary>How many events the refused batch held.</summary>
    public int EventCount { get; }

    /// <summary>Their ids, where readable.</summary>
    public IReadOnlyList<string> EventIds { get; }

    /// <summary>When it arrived.</summary>
    public DateTimeOffset ReceivedAt { get; }
}
