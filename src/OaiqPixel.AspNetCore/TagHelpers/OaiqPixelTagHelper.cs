using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Internal;

namespace OaiqPixel.AspNetCore.TagHelpers;

/// <summary>
/// <c>&lt;oaiq-pixel /&gt;</c>: renders the OpenAI Ads pixel high in <c>&lt;head&gt;</c> — one <c>&lt;script&gt;</c> with
/// the official loader, <c>oaiq("consent", …)</c> when consent is managed, <c>init</c>, <c>page_viewed</c> with its
/// event id, and one <c>measure</c> per event recorded for this page (including events carried over a redirect).
/// </summary>
/// <remarks>
/// Renders nothing when tracking is disabled or unconfigured, the endpoint opted out, consent is denied (unless
/// <see cref="OaiqTrackingOptions.RenderWhenConsentDenied"/>), or the pixel already rendered on this page. It never
/// throws: a failure is logged and nothing is rendered. Every value is JSON-encoded for a script context. On a
/// prerendered page (<c>document.prerendering</c>) the script runs when the visitor opens it. <c>page_viewed</c>'s server
/// copy goes to the Conversions API only for a load a person sees (<see cref="OaiqTrackingOptions.ServerViews"/>).
/// </remarks>
[HtmlTargetElement(TagName, TagStructure = TagStructure.WithoutEndTag)]
public sealed class OaiqPixelTagHelper : TagHelper
{
    private const string TagName = "oaiq-pixel";
    private const string NonceAttributeName = "nonce";
    private const string UserAttributeName = "user";
    private const string PageDataAttributeName = "page-data";
    private const string PageViewAttributeName = "page-view";
    private const string ImageTagEndpoint = "https://bzr.openai.com/v1/sdk/events";

    private readonly HtmlEncoder _htmlEncoder;
    private readonly ILogger _logger;

    /// <summary>Creates the tag helper.</summary>
    /// <param name="htmlEncoder">Encodes the <c>&lt;noscript&gt;</c> image URL.</param>
    /// <param name="logger">Where failures go.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public OaiqPixelTagHelper(HtmlEncoder htmlEncoder, ILogger<OaiqPixelTagHelper> logger)
    {
        ArgumentNullException.ThrowIfNull(htmlEncoder);
        ArgumentNullException.ThrowIfNull(logger);
        _htmlEncoder = htmlEncoder;
        _logger = logger;
    }


    /// <summary>The view context (set by Razor).</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext? ViewContext { get; set; }

    /// <summary>
    /// The CSP nonce for the script; overrides <see cref="OaiqTrackingOptions.NonceProvider"/>. An empty or white-space
    /// value (e.g. <c>nonce="@ViewData["nonce"]"</c> with nothing set) counts as none given: the provider's nonce applies.
    /// </summary>
    [HtmlAttributeName(NonceAttributeName)]
    public string? Nonce { get; set; }

    /// <summary>The signed-in visitor's hashed identifiers for <c>init</c>'s <c>user</c>; also added to the server copy of <c>page_viewed</c>.</summary>
    [HtmlAttributeName(UserAttributeName)]
    public UserData? User { get; set; }

    /// <summary>Optional page content for <c>page_viewed</c>.</summary>
    [HtmlAttributeName(PageDataAttributeName)]
    public ContentsData? PageData { get; set; }

    /// <summary>Whether to send <c>page_viewed</c> on this page; overrides <see cref="OaiqTrackingOptions.AutoPageView"/>.</summary>
    [HtmlAttributeName(PageViewAttributeName)]
    public bool? PageView { get; set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            Render(output);
        }
        catch (Exception ex)
        {
            // A view must never fail because of measurement.
            Log.PixelRenderFailed(_logger, ex);
            output.SuppressOutput();
        }
    }

    private void Render(TagHelperOutput output)
    {
        var httpContext = ViewContext?.HttpContext;
        var runtime = httpContext?.RequestServices?.GetService<OaiqTrackingRuntime>();
        if (httpContext is null || runtime is null)
        {
            Suppress(output, "AddOaiqTracking was not called, or there is no view context");
            return;
        }

        if (!runtime.IsActive)
        {
            Suppress(output, "tracking is disabled or has no PixelId");
            return;
        }

        var tracking = runtime.GetOrCreate(httpContext);
        if (tracking is null)
        {
            Suppress(output, "the endpoint opted out of tracking");
            return;
        }

        if (tracking.IsPixelRendered)
        {
            Log.PixelAlreadyRendered(_logger);
            output.SuppressOutput();
            return;
        }

        var options = runtime.Options;
        var denied = tracking.Consent == OaiqConsent.Denied;
        // On the request that sees a withdrawal, consent(false) lets the SDK delete its own state (once: the cookies are gone next time).
        if (denied && !options.RenderWhenConsentDenied && !tracking.IsWithdrawal)
        {
            Suppress(output, "consent is not given");
            return;
        }

        // The loader is the same on every page: it is written once per SDK URL and shared; the rest of the script is
        // written into a per-thread buffer and kept as UTF-8 (see Utf8HtmlContent). Both sit inside the prerender guard.
        var loader = runtime.LoaderScript;
        ConversionEvent? pageView = null;
        IConversionEventSink? pageViewSink = null;
        Utf8HtmlContent calls;
        var rented = PixelScriptBuffer.Rent();
        try
        {
            var script = rented.Writer;
            if (tracking.Consent != OaiqConsent.NotRequired)
            {
                script.WriteConsent(!denied);
            }

            script.WriteInit(options.PixelId!, options.Debug, denied ? null : User);
            if (!denied)
            {
                if (PageView ?? options.AutoPageView)
                {
                    pageViewSink = ServerPageViewSink(httpContext, runtime, tracking, options);
                    pageView = BuildPageView(runtime, tracking, pageViewSink is not null);
                    script.WriteMeasure(pageView);
                }

                var events = tracking.Events;
                for (var i = tracking.ClaimCarriedEvents() ? 0 : tracking.CarriedCount; i < events.Count; i++)
                {
                    if (events[i].Event.IsPixelEvent)
                    {
                        script.WriteMeasure(events[i]);
                    }
                }
            }

            rented.Buffer.Write(PrerenderGuard.End);
            calls = new Utf8HtmlContent(rented.Buffer.WrittenSpan);
        }
        finally
        {
            PixelScriptBuffer.Return(rented);
        }

        tracking.MarkPixelRendered();

        output.TagName = "script";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.Clear();
        // nonce="" (nonce="@ViewData["nonce"]" with nothing set) gives no nonce: the provider's applies, as when the
        // attribute is left out. A white-space nonce matches no CSP source, so it is not written either.
        var nonce = string.IsNullOrWhiteSpace(Nonce) ? tracking.Nonce : Nonce;
        if (!string.IsNullOrWhiteSpace(nonce))
        {
            output.Attributes.SetAttribute(NonceAttributeName, nonce);
        }

        output.Content.SetHtmlContent(loader).AppendHtml(calls);

        if (pageView is not null)
        {
            if (options.NoScriptFallback)
            {
                output.PostElement.SetHtmlContent(BuildNoScript(options.PixelId!, pageView));
            }

            if (pageViewSink is not null)
            {
                OaiqConversionTracker.Enqueue(pageViewSink, pageView, _logger);
            }
        }
    }

    /// <summary>
    /// Where <c>page_viewed</c>'s server copy goes: the server leg, when it is on, page views are sent
    /// (<see cref="ConversionsApiOptions.SendPageViews"/>) and a person sees this load (<see cref="OaiqServerViewOptions"/>);
    /// otherwise <see langword="null"/>.
    /// </summary>
    private static IConversionEventSink? ServerPageViewSink(HttpContext httpContext, OaiqTrackingRuntime runtime, OaiqTrackingContext tracking, OaiqTrackingOptions options) =>
        options.ConversionsApi.SendPageViews
        && ServerSink(httpContext) is { } sink
        && runtime.AllowsServerView(tracking, OaiqEventNames.PageViewed, tracking.PageViewEventId)
            ? sink
            : null;

    /// <summary>
    /// The <c>page_viewed</c> event: the pixel needs its name, data and id; the server copy also needs the source URL
    /// and the request's user data, which are only gathered when a server leg will take the event.
    /// </summary>
    private ConversionEvent BuildPageView(OaiqTrackingRuntime runtime, OaiqTrackingContext tracking, bool forServer)
    {
        var @event = OaiqEvent.PageViewed(PageData);
        var timestamp = runtime.Time.GetUtcNow();
        if (!forServer)
        {
            return new ConversionEvent(@event, tracking.PageViewEventId, timestamp)
            {
                Oppref = tracking.Oppref,
                ActionSource = ActionSource.Web,
            };
        }

        return new ConversionEvent(@event, tracking.PageViewEventId, timestamp)
        {
            Oppref = tracking.Oppref,
            SourceUrl = tracking.SourceUrl,
            ActionSource = ActionSource.Web,
            User = tracking.RequestUser.Merge(User),
        };
    }

    /// <summary>The server leg's sink, or <see langword="null"/> when there is none or it is off (it would refuse every event).</summary>
    private static IConversionEventSink? ServerSink(HttpContext httpContext) =>
        httpContext.RequestServices.GetService<IConversionEventSink>() is { } sink && sink is not ConversionsApi.ConversionEventQueue { IsEnabled: false }
            ? sink
            : null;

    private string BuildNoScript(string pixelId, ConversionEvent pageView)
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

        return $"<noscript><img height=\"1\" width=\"1\" style=\"display:none\" alt=\"\" src=\"{_htmlEncoder.Encode(url.ToString())}\"></noscript>";
    }

    private void Suppress(TagHelperOutput output, string reason)
    {
        Log.PixelSuppressed(_logger, reason);
        output.SuppressOutput();
    }
}
