namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// Settings of the production verification, bound from <c>Oaiq:Verification</c> (under the section tracking is bound from).
/// Checked at start-up; an invalid value stops the host with a message naming the setting.
/// </summary>
public sealed class OaiqVerificationOptions
{
    /// <summary>The section under the tracking section these options are bound from.</summary>
    public const string SectionName = "Verification";

    /// <summary>The name of the <see cref="HttpClient"/> that reads the stream, for the app's own handlers.</summary>
    public const string HttpClientName = "OaiqPixel.Verification";

    /// <summary>The least <see cref="Interval"/>: the stream is a debugging aid, not a feed.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The Ads API key the events stream takes (spec §4.10): a different key from the Conversions API key
    /// (<c>ConversionsApi:ApiKey</c>), which the stream refuses. Without it no check runs (one warning, log 305). Never
    /// rendered, logged, put in a health report or exported. The default is none.
    /// </summary>
    public string? AdsApiKey { get; set; }

    /// <summary>The stream's base address; the check reads <c>{BaseAddress}/v1/conversions/events?pid=…&amp;limit=50</c>. Absolute http(s). The default is <c>https://api.ads.openai.com/</c>.</summary>
    public Uri BaseAddress { get; set; } = new("https://api.ads.openai.com/");

    /// <summary>
    /// How often each pixel's stream is read, plus up to a tenth more at random so instances spread their requests. The
    /// stream lists about 50 events of the last 15 minutes, so a check every few minutes sees each event at least once.
    /// At least <see cref="MinimumInterval"/> (1 minute). The default is 5 minutes.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many events of one type a leg must have rendered or delivered in the checked window, none of them arriving,
    /// before the leg counts as stopped (ad blockers alone keep some pixel events from arriving). 1–1,000. The default is 5.
    /// </summary>
    public int MinimumEvents { get; set; } = 5;
}
