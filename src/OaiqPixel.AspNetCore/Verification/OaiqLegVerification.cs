namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// One event type on one leg of one pixel, as the latest check compared it: how many events this app rendered (pixel leg)
/// or delivered (server leg) in the window the stream covered, and how many of them OpenAI's events stream listed.
/// </summary>
public sealed class OaiqLegVerification
{
    internal OaiqLegVerification(OaiqVerificationLeg leg, string eventType, int expected, int arrived, OaiqLegStatus status)
    {
        Leg = leg;
        EventType = eventType;
        Expected = expected;
        Arrived = arrived;
        Status = status;
    }

    /// <summary>The leg.</summary>
    public OaiqVerificationLeg Leg { get; }

    /// <summary>The event type as sent, e.g. <c>order_created</c> (<c>custom</c> for custom events).</summary>
    public string EventType { get; }

    /// <summary>Events of this type this app rendered or delivered for the pixel in the checked window (at least 1).</summary>
    public int Expected { get; }

    /// <summary>
    /// How many of them the stream listed, 0 to <see cref="Expected"/>: paired by event id where the stream's rows carry
    /// one, otherwise counted per event type within the window.
    /// </summary>
    public int Arrived { get; }

    /// <summary>What this means: arriving, stopped, not reported by the stream, or too few events to tell.</summary>
    public OaiqLegStatus Status { get; }
}
