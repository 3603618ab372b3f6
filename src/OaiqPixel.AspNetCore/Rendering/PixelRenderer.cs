using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// Renders the pixel for a request, once per page, with the same rules wherever it is asked for (the tag helper, a
/// component, the markup API): the official loader, <c>oaiq("consent", …)</c> when consent is managed, <c>init</c>,
/// <c>page_viewed</c> with its id (its server copy handed to the recorder), the events carried from a redirect and those
/// recorded for this page — one <c>&lt;script&gt;</c> with the request's nonce, every value encoded for a script context.
/// </summary>
/// <remarks>
/// Renders nothing (and says why at Debug, log 12) when tracking is off, the endpoint opted out, consent is denied
/// (unless <see cref="OaiqTrackingOptions.RenderWhenConsentDenied"/> or a withdrawal) or the pixel already rendered on
/// this page. It never throws: a failure is logged (log 10) and nothing is rendered.
/// </remarks>
internal sealed class PixelRenderer(IOptions<OaiqTrackingOptions> options, TrackingContextFactory contexts, CarrierCookie carrier, VisitorCookies visitorCookies, RequestEventFactory events, EventRecorder recorder, ILogger<PixelRenderer> logger)
{
    private const string ImageTagEndpoint = "https://bzr.openai.com/v1/sdk/events";

    private readonly OaiqTrackingOptions _options = options.Value;

    // The same on every page: written once, shared by every rendering. A data-layer-only page loads no SDK.
    private readonly bool _usesPixel = UsesPixel(options.Value);
    private readonly string _loader = !contexts.IsActive ? string.Empty : UsesPixel(options.Value) ? PrerenderGuard.Start + PixelScriptWriter.Loader(options.Value.SdkUrl) : PrerenderGuard.Start;

    /// <summary>The pixel for this request, or <see langword="null"/> when nothing renders.</summary>
    public PixelMarkup? Render(HttpContext httpContext, in PixelRenderRequest request)
    {
        try
        {
            if (RenderCore(httpContext, request, out var tracking, out var pageView) is not { } data)
            {
                return null;
            }

            var noScript = pageView is not null && _options.NoScriptFallback && _usesPixel
                ? tracking.PixelIds.Select(pixelId => NoScriptImageUrl(pixelId, pageView)).ToArray()
                : null;
            return new PixelMarkup(data.Nonce, _loader, data.Calls, noScript);
        }
        catch (Exception ex)
        {
            // A page must never fail because of measurement.
            Log.PixelRenderFailed(logger, ex);
            return null;
        }
    }

    /// <summary>
    /// The pixel for this request as data for the Blazor module (<c>&lt;OaiqPixel /&gt;</c>), by the same rules as
    /// <see cref="Render"/>; <see langword="null"/> when nothing renders.
    /// </summary>
    public PixelPageData? RenderData(HttpContext httpContext, in PixelRenderRequest request)
    {
        try
        {
            return RenderCore(httpContext, request, out _, out _) is { Calls.Count: > 0 } data ? data : null;
        }
        catch (Exception ex)
        {
            Log.PixelRenderFailed(logger, ex);
            return null;
        }
    }

    /// <summary>
    /// Takes the events recorded for this page since the pixel rendered (a Blazor form handler, a component rendered after
    /// the <c>&lt;head&gt;</c>) that may render now (<see cref="PageEvents.Take"/>), as pixel calls.
    /// </summary>
    public List<ReadOnlyMemory<byte>> TakeRecordedSinceRender(OaiqTrackingContext tracking)
    {
        var calls = new List<ReadOnlyMemory<byte>>();
        if (tracking.Consent != OaiqConsent.Denied)
        {
            var dataLayer = new DataLayerWriter();
            tracking.Events.Take(carrying: false, recorded => calls.AddRange(PixelScriptWriter.EventCalls(recorded, _options.BrowserLeg, dataLayer)));
        }

        return calls;
    }

    /// <summary>The one set of rules: the page's calls, or <see langword="null"/> when nothing renders.</summary>
    private PixelPageData? RenderCore(HttpContext httpContext, in PixelRenderRequest request, out OaiqTrackingContext tracking, out ConversionEvent? pageView)
    {
        tracking = null!;
        pageView = null;
        if (!contexts.IsActive)
        {
            return Suppressed("tracking is disabled or has no PixelId");
        }

        if (contexts.GetOrCreate(httpContext) is not { } context)
        {
            return Suppressed("the endpoint opted out of tracking");
        }

        tracking = context;
        if (tracking.IsPixelRendered)
        {
            Log.PixelAlreadyRendered(logger);
            return null;
        }

        var denied = tracking.Consent == OaiqConsent.Denied;
        if (tracking.IsWithdrawal && !tracking.SeenByMiddleware)
        {
            // The middleware clears a withdrawal's cookies; a request it skipped (only __obref to clear) is cleared here.
            visitorCookies.ClearAfterWithdrawal(tracking);
        }

        // On the request that sees a withdrawal, consent(false) lets the SDK delete its own state (once: the cookies are gone next time).
        // A tag manager's data layer has no consent(false) to carry: denied pushes nothing at all.
        if (denied && (!_usesPixel || (!_options.RenderWhenConsentDenied && !tracking.IsWithdrawal)))
        {
            return Suppressed("consent is not given");
        }

        var data = new PixelPageData(_usesPixel ? _options.SdkUrl : null);
        if (_usesPixel && tracking.Consent != OaiqConsent.NotRequired)
        {
            data.Add(PixelScriptWriter.ConsentArguments(!denied));
        }

        // Every pixel is initialized before the first measure, so each receives every event of the page (spec §1.7).
        foreach (var pixelId in _usesPixel ? tracking.PixelIds : [])
        {
            data.Add(PixelScriptWriter.InitArguments(pixelId, _options.Debug, denied ? null : request.User));
        }

        if (!denied)
        {
            var dataLayer = new DataLayerWriter();
            if (request.PageView ?? _options.AutoPageView)
            {
                pageView = events.Create(tracking, OaiqEvent.PageViewed(request.PageData), tracking.PageViewEventId, request.User, optOut: false);
                data.AddRange(PixelScriptWriter.EventCalls(pageView, _options.BrowserLeg, dataLayer));
            }

            if (carrier.Claim(tracking))
            {
                // A call carried before a switch to the data layer only has no oaiq function to take it.
                data.AddRange(tracking.Events.Carried.Where(carried => _usesPixel || carried.Span.StartsWith(DataLayerWriter.Prefix)));
            }

            TakeRecorded(tracking, data, dataLayer);
        }

        tracking.Events.MarkPixelRendered();
        if (pageView is not null && _options.ConversionsApi.SendPageViews)
        {
            recorder.SendToServer(tracking, pageView);
        }

        // nonce="" (nonce="@ViewData["nonce"]" with nothing set) gives no nonce: the provider's applies, as when the
        // attribute is left out. A white-space nonce matches no CSP source, so it is not written either.
        var nonce = string.IsNullOrWhiteSpace(request.Nonce) ? tracking.Nonce : request.Nonce;
        data.Nonce = string.IsNullOrWhiteSpace(nonce) ? null : nonce;
        return data;
    }

    // A method of its own: the closure it makes would otherwise be allocated on entry to RenderCore, even for a page
    // that renders nothing.
    private void TakeRecorded(OaiqTrackingContext tracking, PixelPageData data, DataLayerWriter dataLayer) =>
        tracking.Events.Take(carrying: false, recorded => data.AddRange(PixelScriptWriter.EventCalls(recorded, _options.BrowserLeg, dataLayer)));

    private static bool UsesPixel(OaiqTrackingOptions options) => options.BrowserLeg != OaiqBrowserLeg.DataLayer;

    private PixelPageData? Suppressed(string reason)
    {
        Log.PixelSuppressed(logger, reason);
        return null;
    }

    private static string NoScriptImageUrl(string pixelId, ConversionEvent pageView)
    {
        // Spec §1.8: page-load only, no user data; the event id is opaque (EventIds.New) and shared with page_viewed.
        var url = new StringBuilder(ImageTagEndpoint, 256)
            .Append("?pid=").Append(Uri.EscapeDataString(pixelId))
            .Append("&event=").Append(OaiqEventNames.PageViewed)
            .Append("&data%5Btype%5D=contents")
            .Append("&event_id=").Append(Uri.EscapeDataString(pageView.Id));
        if (pageView.Oppref is { } oppref)
        {
            url.Append("&oppref=").Append(Uri.EscapeDataString(oppref));
        }

        return url.ToString();
    }
}
