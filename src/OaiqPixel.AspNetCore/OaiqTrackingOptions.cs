using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore;

/// <summary>Settings of OpenAI Ads tracking, bound from the <c>Oaiq</c> configuration section.</summary>
/// <remarks>
/// Validated at start-up: a malformed value stops the host with a message saying what to fix. A missing
/// <see cref="PixelId"/> does not: tracking is then off, with one warning at start-up (log 70) and the health check saying
/// so, because a tracking library must not take a site down (a staging or CI run without secrets).
/// </remarks>
public sealed class OaiqTrackingOptions
{
    /// <summary>The configuration section these options are bound from by default.</summary>
    public const string SectionName = "Oaiq";

    /// <summary>The official SDK URL, the default <see cref="SdkUrl"/>.</summary>
    public const string DefaultSdkUrl = "https://bzrcdn.openai.com/sdk/oaiq.min.js";

    /// <summary>
    /// Switches tracking fully on or off: when <see langword="false"/> the middleware does nothing, tag helpers render
    /// nothing and no event is sent. The default is <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The Pixel ID from Ads Manager, used by the pixel's <c>init</c> and as the Conversions API <c>pid</c>: at most 128
    /// characters, without white space or control characters. The one-pixel shorthand, with
    /// <see cref="ConversionsApiOptions.ApiKey"/> as its key; for several pixels use <see cref="Pixels"/> (or both: this
    /// one comes first). Without any pixel (and no <see cref="IOaiqPixelResolver"/>), tracking is off (warning 70 at start-up).
    /// </summary>
    public string? PixelId { get; set; }

    /// <summary>
    /// More pixels, each with its own key and settings, bound from <c>Oaiq:Pixels:0</c>, <c>Oaiq:Pixels:1</c>, …: every
    /// request gets all of them (after <see cref="PixelId"/>), unless an <see cref="IOaiqPixelResolver"/> picks per
    /// request (spec §1.7). A Pixel ID may appear once. The default is empty.
    /// </summary>
    public IList<OaiqPixelOptions> Pixels { get; } = new List<OaiqPixelOptions>();

    /// <summary>Passes <c>debug: true</c> to the pixel's <c>init</c> so the SDK logs to the browser console. For testing only. The default is <see langword="false"/>.</summary>
    public bool Debug { get; set; }

    /// <summary>
    /// How the browser leg reaches the page: <see cref="OaiqBrowserLeg.Pixel"/> (the <c>oaiq</c> loader and calls),
    /// <see cref="OaiqBrowserLeg.DataLayer"/> (pushes to <c>window.dataLayer</c> for a tag manager, no loader) or
    /// <see cref="OaiqBrowserLeg.Both"/>. Consent applies to every mode: when it is denied nothing is pushed. The default is
    /// <see cref="OaiqBrowserLeg.Pixel"/>.
    /// </summary>
    public OaiqBrowserLeg BrowserLeg { get; set; }

    /// <summary>
    /// The SDK the loader injects: an absolute http(s) URL, or a root-relative path such as <c>/_oaiq/sdk.js</c> for a
    /// local stub in development. The default is <c>https://bzrcdn.openai.com/sdk/oaiq.min.js</c>.
    /// </summary>
    public string SdkUrl { get; set; } = DefaultSdkUrl;

    /// <summary>Whether <c>&lt;oaiq-pixel /&gt;</c> sends <c>page_viewed</c> (with a fresh event id) on every page it renders on. The default is <see langword="true"/>.</summary>
    public bool AutoPageView { get; set; } = true;

    /// <summary>Where consent comes from. The default is <see cref="OaiqConsentMode.UseTrackingConsentFeature"/>.</summary>
    /// <remarks>An <see cref="IOaiqConsentResolver"/> registered by the app replaces both modes.</remarks>
    public OaiqConsentMode ConsentMode { get; set; } = OaiqConsentMode.UseTrackingConsentFeature;

    /// <summary>
    /// When consent is denied, still render the loader with <c>oaiq("consent", false)</c> before <c>init</c> (so the SDK
    /// stores the denial and deletes its cookies) instead of rendering nothing. Nothing is recorded either way.
    /// The default is <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// Whatever this says, the request that sees a withdrawal (consent not given while the request still carries
    /// <c>__oppref</c> or <c>__obref</c>) renders <c>oaiq("consent", false)</c> so the SDK clears its own state, and the
    /// server deletes both cookies; the next request carries neither, so it happens once.
    /// </remarks>
    public bool RenderWhenConsentDenied { get; set; }

    /// <summary>The server-set <c>__oppref</c> cookie. The defaults: written, 30 days, host-only.</summary>
    public OaiqCookieOptions OpprefCookie { get; set; } = new();

    /// <summary>
    /// Returns the request's Content-Security-Policy nonce (for example <c>ctx =&gt; ctx.GetNonce()</c> with
    /// NetEscapades.AspNetCore.SecurityHeaders), written as the <c>nonce</c> attribute of the pixel's script. A
    /// <c>nonce</c> attribute on the tag wins. The default is none.
    /// </summary>
    public Func<HttpContext, string?>? NonceProvider { get; set; }

    /// <summary>
    /// Also renders a <c>&lt;noscript&gt;</c> image tag that reports <c>page_viewed</c> (with the same event id) for
    /// visitors without JavaScript. It carries no user data. The default is <see langword="false"/>.
    /// </summary>
    public bool NoScriptFallback { get; set; }

    /// <summary>
    /// The <c>action_source</c> given to events tracked with <see cref="IConversionTracker"/> outside an HTTP request
    /// (a background job), where no page URL exists. The default is none: such events reach the server leg without
    /// one and are refused there, so set it or build a <see cref="ConversionEvent"/> yourself and hand it to
    /// <see cref="IConversionEventSink"/>.
    /// </summary>
    public ActionSource? BackgroundActionSource { get; set; }

    /// <summary>
    /// Which page loads also send their view events (<c>page_viewed</c>, <c>contents_viewed</c>) to the Conversions API:
    /// never prefetches, and by default only browser navigations by a person's browser, not bots. Bound from
    /// <c>Oaiq:ServerViews</c>. The defaults: <see cref="OaiqServerViewOptions.RequireNavigation"/> and
    /// <see cref="OaiqServerViewOptions.ExcludeBots"/> both <see langword="true"/>.
    /// </summary>
    public OaiqServerViewOptions ServerViews { get; set; } = new();

    /// <summary>The server leg (Conversions API) settings, bound from <c>Oaiq:ConversionsApi</c>.</summary>
    public ConversionsApiOptions ConversionsApi { get; set; } = new();

    /// <summary>Whether an <see cref="IOaiqPixelResolver"/> of the app's names each request's pixels (set by <c>AddPixelResolver</c>).</summary>
    internal bool HasPixelResolver { get; set; }

    /// <summary>Whether tracking runs: <see cref="Enabled"/>, with a pixel (<see cref="PixelId"/>, <see cref="Pixels"/> or a resolver).</summary>
    internal bool IsActive => Enabled && HasAnyPixel;

    /// <summary>Whether tracking is on but off for want of a pixel (log 70, and the health check says so).</summary>
    internal bool LacksPixelId => Enabled && !HasAnyPixel;

    /// <summary>Whether any Conversions API key is set: the shared <see cref="ConversionsApiOptions.ApiKey"/> or a pixel's own.</summary>
    internal bool HasAnyApiKey => ConversionsApi.IsEnabled || Pixels.Any(static p => !string.IsNullOrWhiteSpace(p?.ApiKey));

    private bool HasAnyPixel => HasPixelResolver || !string.IsNullOrWhiteSpace(PixelId) || Pixels.Any(static p => !string.IsNullOrWhiteSpace(p?.PixelId));

    /// <summary>The configured pixels in order: <see cref="PixelId"/> (with the shared key), then <see cref="Pixels"/>; trimmed, unusable ids and repeats left out.</summary>
    internal IReadOnlyList<OaiqPixelOptions> ConfiguredPixels()
    {
        var pixels = new List<OaiqPixelOptions>(1 + Pixels.Count);
        if (!string.IsNullOrWhiteSpace(PixelId))
        {
            pixels.Add(new OaiqPixelOptions { PixelId = PixelId.Trim() });
        }

        foreach (var pixel in Pixels)
        {
            var id = pixel?.PixelId?.Trim();
            if (OaiqPixelOptions.IsValidPixelId(id) && !pixels.Exists(p => p.PixelId == id))
            {
                pixels.Add(new OaiqPixelOptions { PixelId = id, ApiKey = pixel!.ApiKey, ValidateOnly = pixel.ValidateOnly, IntegrationSource = pixel.IntegrationSource });
            }
        }

        return pixels;
    }
}
