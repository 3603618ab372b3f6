namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Settings of the server leg: the Conversions API client and its background sender. Bound from <c>Oaiq:ConversionsApi</c>.
/// </summary>
/// <remarks>
/// Without an <see cref="ApiKey"/> the server leg is off (said once at start-up) and the browser leg still works.
/// Delivery is at-least-once: transient failures (408, 429, 5xx, timeouts, connection errors) are retried with the same
/// event ids and timestamps, which the API deduplicates; a rejected batch (400/422) is split until each invalid event is
/// isolated and dead-lettered while every valid event is delivered.
/// </remarks>
public sealed class ConversionsApiOptions
{
    /// <summary>The name of the Conversions API client in <see cref="System.Net.Http.IHttpClientFactory"/>, to adjust its handler
    /// (<c>services.AddHttpClient(ConversionsApiOptions.HttpClientName).ConfigurePrimaryHttpMessageHandler(…)</c> for a proxy).</summary>
    public const string HttpClientName = "OaiqPixel.ConversionsApi";

    /// <summary>The most events one request may carry (spec §4.1: 1–1,000).</summary>
    public const int MaxEventsPerRequest = 1000;

    /// <summary>The default <see cref="BaseAddress"/>.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://bzr.openai.com/");

    /// <summary>
    /// The Conversions API key (a conversion key from Ads Manager, usually starting <c>sk-svcacct-</c>; an Advertiser
    /// API key is refused by the API with "Missing scopes: ads.third_party_events.write"). Keep it in user secrets or the
    /// environment (<c>Oaiq__ConversionsApi__ApiKey</c>); it is never rendered or logged. The default is none: server leg off.
    /// </summary>
    /// <remarks>Read again for every request, so a key fixed by a configuration reload is used without a restart.</remarks>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The API origin; requests go to <c>{BaseAddress}/v1/events?pid={PixelId}</c>. Must be absolute https (http is
    /// allowed for loopback only, e.g. a local sandbox). The default is <c>https://bzr.openai.com/</c>.
    /// </summary>
    public Uri BaseAddress { get; set; } = DefaultBaseAddress;

    /// <summary>Send <c>validate_only: true</c> so the API validates without saving (for testing a setup). The default is <see langword="false"/>.</summary>
    public bool ValidateOnly { get; set; }

    /// <summary>
    /// An optional partner integration identifier sent as <c>integration_source</c> on every request: 1–64 ASCII
    /// characters, a letter or digit first, then letters, digits, <c>.</c>, <c>_</c> or <c>-</c>. The default is none.
    /// </summary>
    public string? IntegrationSource { get; set; }

    /// <summary>The most events per request, 1–1,000. The default is 500.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How long the sender waits to fill a batch before sending what it has. The default is 2 seconds.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most events held in memory, at least <see cref="MaxBatchSize"/>; past it new events are dropped (counted and
    /// logged), never blocking a request. The default is 100,000.
    /// </summary>
    public int MaxQueueSize { get; set; } = 100_000;

    /// <summary>
    /// The most events held in memory for every pixel together, at least <see cref="MaxQueueSize"/>: with several pixels
    /// (<c>Oaiq:Pixels</c> or a pixel resolver) each has a queue of <see cref="MaxQueueSize"/>, and this bounds their sum.
    /// Past it new events are dropped (reason <c>total_queue_full</c>, log 134), never blocking a request. Keep it above
    /// <see cref="MaxQueueSize"/> so one pixel's outage alone cannot reach it. The default is 250,000.
    /// </summary>
    public int MaxTotalQueueSize { get; set; } = 250_000;

    /// <summary>
    /// The most pixels with a queue (and a sender) at once, at least 1. An event for one more pixel is dropped (reason
    /// <c>pixel_limit</c>, log 133) until a queue is freed by <see cref="PixelIdleTimeout"/>. The default is 100.
    /// </summary>
    public int MaxPixels { get; set; } = 100;

    /// <summary>
    /// How long a pixel's queue may stay empty before it and its sender are freed (the next event makes a new one), so
    /// pixels a resolver named once do not count towards <see cref="MaxPixels"/> forever. Must be positive. The default is
    /// 10 minutes.
    /// </summary>
    public TimeSpan PixelIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a graceful shutdown may spend delivering queued events. Keep it below the host's
    /// <c>HostOptions.ShutdownTimeout</c> (30 seconds by default). The default is 10 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one HTTP attempt may take before it is abandoned and retried. The default is 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one request may take including its retries (<c>Retry-After</c> waits included); must exceed
    /// <see cref="RequestTimeout"/>. The default is 60 seconds.
    /// </summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times one request is retried on 408, 429, 5xx, a timeout or a connection error, 1–100. The default is 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>
    /// The first delay between the HTTP retries of one request, doubled (with jitter) on each further failure; a
    /// <c>Retry-After</c> header takes precedence. The default is 1 second.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between the HTTP retries of one request, <c>Retry-After</c> included. The default is 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the sender waits before trying a batch again when it still fails after the HTTP retries (an outage, a
    /// refused key, an unexpected status); doubled (with jitter) on each further failure up to <see cref="MaxBackoffDelay"/>,
    /// or the API's <c>Retry-After</c> when it gives one. Events are kept meanwhile, and a configuration change ends the
    /// wait at once. The default is 1 second.
    /// </summary>
    public TimeSpan BackoffDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest the sender waits between two tries of a failing batch. The default is 5 minutes.</summary>
    public TimeSpan MaxBackoffDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether <c>page_viewed</c> events rendered by <c>&lt;oaiq-pixel /&gt;</c> are also sent server-side with the same id. The default is <see langword="true"/>.</summary>
    public bool SendPageViews { get; set; } = true;

    /// <summary>
    /// Called for each event the API refused on its own (isolated by splitting a rejected batch), e.g. to store it for a
    /// fix and a manual resend. Runs on the sender's thread: keep it quick; exceptions are logged and ignored. The default is none.
    /// </summary>
    public Action<DeadLetteredEvent>? OnDeadLetter { get; set; }

    /// <summary>
    /// How many of the in-memory path's dead letters this process keeps, newest kept, to list and replay once the cause is
    /// fixed (<c>IOaiqStoreInspector</c> under the key <c>IOaiqStoreInspector.InMemoryKey</c>, and the development page);
    /// each holds its event's JSON (about 1 KB). 0 keeps none. The outbox keeps its own in its table. The default is 1,000.
    /// </summary>
    public int MaxDeadLetters { get; set; } = 1000;

    /// <summary>The records per request: <see cref="MaxBatchSize"/> within the API's 1–1,000.</summary>
    internal int BatchSize => Math.Clamp(MaxBatchSize, 1, MaxEventsPerRequest);

    /// <summary>Whether the server leg is configured (an <see cref="ApiKey"/> is set).</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(ApiKey);
}
