namespace OaiqPixel.AspNetCore.Verification;

/// <summary>The latest check of one pixel against OpenAI's events stream (<see cref="IOaiqVerification.Latest"/>).</summary>
public sealed class OaiqPixelVerification
{
    internal OaiqPixelVerification(string pixelId, OaiqVerificationCheck check, DateTimeOffset? checkedAt, string? message, bool streamReportsServerLeg, IReadOnlyList<OaiqLegVerification> legs)
    {
        PixelId = pixelId;
        Check = check;
        CheckedAt = checkedAt;
        Message = message;
        StreamReportsServerLeg = streamReportsServerLeg;
        Legs = legs;
    }

    /// <summary>The Pixel ID.</summary>
    public string PixelId { get; }

    /// <summary>How the latest read of the stream went.</summary>
    public OaiqVerificationCheck Check { get; }

    /// <summary>When the latest read was made (the app's <see cref="TimeProvider"/>), or <see langword="null"/> before the first.</summary>
    public DateTimeOffset? CheckedAt { get; }

    /// <summary>
    /// One sentence for people: what was found and what to check (the same text as the log line), or why the stream could
    /// not be read. Never holds the key.
    /// </summary>
    public string? Message { get; }

    /// <summary>Whether this pixel's stream has ever listed a <c>server_to_server</c> row since the app started.</summary>
    public bool StreamReportsServerLeg { get; }

    /// <summary>Each leg and event type compared by the latest completed check, pixel leg first; empty before one.</summary>
    public IReadOnlyList<OaiqLegVerification> Legs { get; }
}
