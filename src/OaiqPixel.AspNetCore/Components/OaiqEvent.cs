using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// <c>&lt;OaiqEvent Name="contents_viewed" ContentId="sku-1" Amount="25.99" Currency="USD" /&gt;</c>: records an event from
/// a Razor component through <see cref="IConversionTracker"/>, so it reaches the pixel on this page (through
/// <see cref="OaiqPixel"/>'s data) and the Conversions API, with one id. The parameters and their rules are those of
/// <c>&lt;oaiq-event&gt;</c>.
/// </summary>
/// <remarks>
/// Renders the event's pixel calls as data where it stands (<c>&lt;script type="application/json" data-oaiq-events&gt;</c>,
/// read by the page's <see cref="OaiqPixel"/> module) when the page's pixel rendered before it, as in a page below
/// <c>App.razor</c>'s <c>&lt;head&gt;</c>: the pixel then renders once. Otherwise renders nothing, and the pixel takes the
/// event into its own data. Records once per page: while the page renders on the server (static rendering or prerendering); in an
/// interactive circuit only for a page the circuit rendered itself (after an interactive route change, or without
/// prerendering), never again for the prerendered one. Invalid parameters are logged as errors (log 53) and record
/// nothing; the page still renders. When tracking is off for the request (disabled, unconfigured, or the endpoint opted
/// out) it does nothing at all, not even check its parameters (log 5 at Debug).
/// </remarks>
public sealed class OaiqEvent : ComponentBase, IEventAttributes
{
    /// <summary>The event name, one of <see cref="OaiqEventNames"/> (e.g. <c>contents_viewed</c>, <c>custom</c>).</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>The <c>custom_event_name</c>; required for <c>custom</c>, refused otherwise (spec §3.3).</summary>
    [Parameter]
    public string? CustomName { get; set; }

    /// <summary>
    /// The event value in major units, as written: a literal (<c>Amount="25.99"</c>), a <see cref="decimal"/>,
    /// <see cref="double"/> or integer expression, or a string with a <c>.</c> decimal point. Read the same in every
    /// culture and never rounded: more decimals than the currency has (ISO 4217 minor units, spec §3.2) is an error.
    /// Requires <see cref="Currency"/>.
    /// </summary>
    [Parameter]
    public object? Amount { get; set; }

    /// <summary>The event value in minor units (e.g. <c>2599</c>); requires <see cref="Currency"/>. Wins over <see cref="Amount"/>.</summary>
    [Parameter]
    public long? AmountMinor { get; set; }

    /// <summary>The ISO 4217 currency of the amount (e.g. <c>USD</c>).</summary>
    [Parameter]
    public string? Currency { get; set; }

    /// <summary>The id of a single content item.</summary>
    [Parameter]
    public string? ContentId { get; set; }

    /// <summary>The name of a single content item.</summary>
    [Parameter]
    public string? ContentName { get; set; }

    /// <summary>The type of a single content item (e.g. <c>product</c>).</summary>
    [Parameter]
    public string? ContentType { get; set; }

    /// <summary>The quantity of a single content item.</summary>
    [Parameter]
    public int? Quantity { get; set; }

    /// <summary>Content items (added before the single item described by the <c>Content*</c> parameters).</summary>
    [Parameter]
    public IEnumerable<Content>? Contents { get; set; }

    /// <summary>The plan id (<c>plan_enrollment</c> and <c>custom</c> events).</summary>
    [Parameter]
    public string? PlanId { get; set; }

    /// <summary>The event id shared by both legs; a fresh opaque one when not set.</summary>
    [Parameter]
    public string? EventId { get; set; }

    /// <summary>Excludes the event from future user-level personalization (<c>opt_out</c>).</summary>
    [Parameter]
    public bool OptOut { get; set; }

    /// <summary>Who the event is about, for the server leg.</summary>
    [Parameter]
    public UserData? User { get; set; }

    /// <summary>
    /// The one pixel the event is aimed at (<c>Pixel="px_seller_17"</c>): <c>measureSingle</c> in the browser and a
    /// Conversions API copy for that pixel only (spec §1.7). It must be one of the page's pixels; empty or white space counts as none. The default is none:
    /// every pixel of the page.
    /// </summary>
    [Parameter]
    public string? Pixel { get; set; }

    // The request, while the page renders on the server; null in an interactive circuit.
    [CascadingParameter]
    private HttpContext? HttpContext { get; set; }

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    // The event's own data element, when it renders its calls itself; null when it renders nothing.
    private string? _element;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (_element is not null)
        {
            builder.AddMarkupContent(0, _element);
        }
    }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        var logger = Services.GetRequiredService<ILogger<OaiqEvent>>();
        try
        {
            // Tracking is off for this request (disabled, unconfigured, or the endpoint opted out): a page that records
            // nothing allocates nothing for it, not even the event.
            if (HttpContext is { } httpContext && Services.GetService<TrackingContextFactory>()?.GetOrCreate(httpContext) is null)
            {
                Tracking.Log.TrackingInactive(logger, Name ?? string.Empty);
                return;
            }

            if (Services.GetService<IConversionTracker>() is not { } tracker)
            {
                Tracking.Log.PixelSuppressed(logger, "<OaiqEvent /> needs AddOaiqTracking");
                return;
            }

            var prerendered = HttpContext is null && RendererInfo.IsInteractive ? RecordedWhilePrerendering() : false;
            if (prerendered == true)
            {
                return;
            }

            var oaiqEvent = EventAttributes.Build(this, "<OaiqEvent>");
            if (prerendered is null)
            {
                _ = TrackIfRoutedInCircuitAsync(tracker, oaiqEvent, logger);
            }
            else
            {
                TrackOnPage(tracker, oaiqEvent);
            }
        }
        catch (Exception ex)
        {
            ComponentsLog.EventComponentFailed(logger, ex);
        }
    }

    // Once the page's <OaiqPixel /> rendered its data, the event's calls render here rather than in the pixel's data: the
    // pixel neither renders again nor rebuilds its data for them, and the module reads them where they stand.
    private void TrackOnPage(IConversionTracker tracker, global::OaiqPixel.OaiqEvent oaiqEvent)
    {
        if (HttpContext?.Features.Get<IOaiqTrackingFeature>() is not OaiqTrackingContext { Events.PixelTakesLateEvents: true } tracking
            || Services.GetService<PixelRenderer>() is not { } renderer)
        {
            EventAttributes.Track(tracker, this, oaiqEvent);
            return;
        }

        tracking.Events.RecordingInPlace = true;
        try
        {
            EventAttributes.Track(tracker, this, oaiqEvent);
        }
        finally
        {
            tracking.Events.RecordingInPlace = false;
        }

        var calls = renderer.TakeRecordedSinceRender(tracking);
        if (calls.Count > 0)
        {
            _element = PixelPageData.EventsElement(calls);
        }
    }

    // The page's <OaiqPixel /> is static and the address changed since the circuit started: the page was rendered here
    // by an interactive router (record), or prerendered by an enhanced navigation's request, which recorded it (do not).
    private async Task TrackIfRoutedInCircuitAsync(IConversionTracker tracker, global::OaiqPixel.OaiqEvent oaiqEvent, ILogger logger)
    {
        try
        {
            if (await Services.GetRequiredService<CircuitEventRecorder>().GetNavigationAsync() is PageNavigation.Circuit or PageNavigation.CircuitWithoutPageView)
            {
                EventAttributes.Track(tracker, this, oaiqEvent);
            }
        }
        catch (Exception ex)
        {
            ComponentsLog.EventComponentFailed(logger, ex);
        }
    }

    /// <summary>
    /// Whether this circuit instance shows a page that was prerendered (where the event was recorded already): the
    /// render mode prerenders, and no interactive router changed the page since the circuit started. <see langword="null"/>:
    /// it depends on how the page changes pages (the page's <c>&lt;OaiqPixel /&gt;</c> is static, and the address changed).
    /// </summary>
    private bool? RecordedWhilePrerendering()
    {
        var prerenders = AssignedRenderMode switch
        {
            InteractiveServerRenderMode mode => mode.Prerender,
            InteractiveAutoRenderMode mode => mode.Prerender,
            InteractiveWebAssemblyRenderMode mode => mode.Prerender,
            _ => true,
        };
        if (!prerenders)
        {
            return false;
        }

        if (Services.GetService<CircuitTracking>() is not { IsCircuit: true } circuit
            || (!circuit.Navigated && string.Equals(Navigation.Uri, circuit.StartUri, StringComparison.Ordinal)))
        {
            return true;
        }

        return circuit.HasInteractivePixel ? false : null;
    }
}
