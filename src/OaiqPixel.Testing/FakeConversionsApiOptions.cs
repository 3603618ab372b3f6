using System.Text.Json;

namespace OaiqPixel.Testing;

/// <summary>Configuration for <see cref="FakeConversionsApi.StartAsync(FakeConversionsApiOptions?, CancellationToken)"/>.</summary>
public sealed class FakeConversionsApiOptions
{
    /// <summary>The default <see cref="ApiKey"/>.</summary>
    public const string DefaultApiKey = "sk-svcacct-fake-conversions-key";

    /// <summary>The default <see cref="PixelId"/>.</summary>
    public const string DefaultPixelId = "px_fake_pixel";

    /// <summary>The Conversions API key expected in <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string ApiKey { get; set; } = DefaultApiKey;

    /// <summary>The default <see cref="AdsApiKey"/>.</summary>
    public const string DefaultAdsApiKey = "sk-fake-ads-api-key";

    /// <summary>
    /// The Ads API key the events stream (<c>GET /v1/conversions/events</c>, spec §4.10) expects in
    /// <c>Authorization: Bearer &lt;key&gt;</c>: a different key from <see cref="ApiKey"/>, which the stream refuses (401).
    /// </summary>
    public string AdsApiKey { get; set; } = DefaultAdsApiKey;

    /// <summary>
    /// Whether the events stream answers; <see langword="false"/> answers it with <c>422</c> and <c>error.code</c>
    /// <c>feature_not_available</c>, as for an account it is not enabled for. Can be changed later through
    /// <see cref="FakeConversionsApi.EventStreamAvailable"/>. The default is <see langword="true"/>.
    /// </summary>
    public bool EventStreamAvailable { get; set; } = true;

    /// <summary>The Pixel ID expected in the <c>pid</c> query parameter.</summary>
    public string PixelId { get; set; } = DefaultPixelId;

    /// <summary>
    /// More pixels the fake accepts beside <see cref="PixelId"/>, each with the key its requests must carry (Pixel ID →
    /// key): a request is authorized by the key of its own <c>pid</c>, so one pixel's key is refused for another (401), as
    /// several pixels with their own keys meet the API (spec §1.7, §4.1). The default is empty.
    /// </summary>
    public IDictionary<string, string> AdditionalPixels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Clock used for the <c>timestamp_ms</c> window (last 7 days, at most 10 minutes ahead) and for
    /// <see cref="ReceivedRequest.ReceivedAt"/>. Delays (<see cref="ResponseDelay"/>, <see cref="Fault.Hang(TimeSpan)"/>)
    /// always use real time. Defaults to <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Optional predicate run on every event that passed validation; an event it matches is treated as invalid,
    /// so the whole batch is refused with 400 <c>events[i]: ...</c> and nothing is recorded.
    /// Can be changed later through <see cref="FakeConversionsApi.PoisonEvent"/>.
    /// </summary>
    public Func<JsonElement, bool>? PoisonEvent { get; set; }

    /// <summary>
    /// Artificial latency added to every request before it is handled (honours client aborts).
    /// Can be changed later through <see cref="FakeConversionsApi.ResponseDelay"/>.
    /// </summary>
    public TimeSpan ResponseDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Status code for an accepted batch (200 by default; 202 is useful to test "any 2xx is success").</summary>
    public int SuccessStatusCode { get; set; } = 200;

    /// <summary>
    /// Throughput mode for load tests: requests are still authorised and their <c>events</c> counted, but the strict
    /// per-event validation is skipped and neither bodies nor events are recorded (<see cref="FakeConversionsApi.Events"/>
    /// and <see cref="ReceivedRequest.Body"/> stay empty). Use <see cref="FakeConversionsApi.AcceptedEventCount"/> and
    /// <see cref="FakeConversionsApi.WaitForEventsAsync"/> (which then returns an empty list). Faults still apply.
    /// </summary>
    public bool CountOnly { get; set; }

    /// <summary>Loopback port to bind; 0 (the default) lets the OS choose a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Whether every response carries an <c>x-request-id</c> header, as OpenAI's API does (spec §4.7 additions). Turn it
    /// off to see how the app reports an answer without one. The default is <see langword="true"/>.
    /// </summary>
    public bool SendRequestIds { get; set; } = true;
}
