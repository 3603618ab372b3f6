namespace OaiqPixel.AspNetCore;

/// <summary>
/// Settings of the server leg: the Conversions API client and its background sender. Bound from <c>Oaiq:ConversionsApi</c>.
/// </summary>
/// <remarks>Without an <see cref="ApiKey"/> the server leg is off (said once at start-up) and the browser leg still works.</remarks>
public sealed class ConversionsApiOptions
{
    /// <summary>The default <see cref="BaseAddress"/>.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://bzr.openai.com/");

    /// <summary>
    /// The Conversions API key (a conversion key from Ads Manager, usually starting <c>sk-svcacct-</c>; an Advertiser
    /// API key is refused by the API with "Missing scopes: ads.third_party_events.write"). Keep it in user secrets or the
    /// environment (<c>Oaiq__ConversionsApi__ApiKey</c>); it is never rendered or logged. The default is none: server leg off.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The API origin; requests go to <c>{BaseAddress}/v1/events?pid={PixelId}</c>. The default is <c>https://bzr.openai.com/</c>.</summary>
    public Uri BaseAddress { get; set; } = DefaultBaseAddress;

    /// <summary>Send <c>validate_only: true</c> so the API validates without saving (for testing a setup). The default is <see langword="false"/>.</summary>
    public bool ValidateOnly { get; set; }

    /// <summary>An optional partner integration identifier sent as <c>integration_source</c> on every request. The default is none.</summary>
    public string? IntegrationSource { get; set; }

    /// <summary>The most events per request, 1–1,000. The default is 500.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How long the sender waits to fill a batch before sending what it has. The default is 2 seconds.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most events held in memory; past it new events are dropped (counted and logged), never blocking a request. The default is 100,000.</summary>
    public int MaxQueueSize { get; set; } = 100_000;

    /// <summary>How long a graceful shutdown may spend delivering queued events. The default is 10 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether <c>page_viewed</c> events rendered by <c>&lt;oaiq-pixel /&gt;</c> are also sent server-side with the same id. The default is <see langword="true"/>.</summary>
    public bool SendPageViews { get; set; } = true;

    /// <summary>Whether the server leg is configured (an <see cref="ApiKey"/> is set).</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(ApiKey);
}
