namespace OaiqPixel.AspNetCore.Verification;

/// <summary>What the latest check found for one event type on one leg of one pixel.</summary>
public enum OaiqLegStatus
{
    /// <summary>Too few events in the checked window to tell (fewer than <see cref="OaiqVerificationOptions.MinimumEvents"/> and none arrived).</summary>
    Inconclusive = 0,

    /// <summary>At least one of the events this app rendered or delivered in the window arrived at OpenAI.</summary>
    Arriving = 1,

    /// <summary>None of at least <see cref="OaiqVerificationOptions.MinimumEvents"/> events arrived: this leg has stopped reaching OpenAI.</summary>
    Stopped = 2,

    /// <summary>
    /// The server leg of a pixel whose stream has never shown a <c>server_to_server</c> row: sources disagree on whether
    /// the stream lists Conversions API events at all (spec §4.10), so their absence is not counted as missing.
    /// </summary>
    NotReported = 3,
}
