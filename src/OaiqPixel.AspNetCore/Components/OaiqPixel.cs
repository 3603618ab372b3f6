using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// <c>&lt;OaiqPixel /&gt;</c>: the OpenAI Ads pixel for a Blazor Web App, high in <c>App.razor</c>'s <c>&lt;head&gt;</c>.
/// It renders the page's pixel calls as data — <c>consent</c> when consent is managed, <c>init</c>, <c>page_viewed</c>
/// with the id its Conversions API copy got, the events carried from a redirect and those recorded for the page (spec
/// §1.1, §2.1) — and a <c>&lt;script type="module"&gt;</c> (<c>_content/OaiqPixel.AspNetCore/oaiq-pixel.js</c>, with the
/// request's CSP nonce) that measures each event once, keyed as OpenAI deduplicates (pixel, event name, event id; spec
/// §5): on the full load, after each enhanced navigation or enhanced form post, after each streaming-rendering update.
/// </summary>
/// <remarks>
/// <para>
/// The same rules as <c>&lt;oaiq-pixel /&gt;</c>: nothing when tracking is off or unconfigured, the endpoint opted out,
/// consent is not given (unless <see cref="OaiqTrackingOptions.RenderWhenConsentDenied"/>), or the pixel already rendered
/// for the request; it never throws. An event recorded after the <c>&lt;head&gt;</c> rendered by
/// <see cref="IConversionTracker"/> (in a page's code or a form handler) joins the page's data before the response
/// completes (or through a streaming update); an <see cref="OaiqEvent"/> rendered after it renders its own calls where it
/// stands, which the module reads after the pixel's, so the pixel renders once.
/// </para>
/// <para>
/// Give it the render mode of <c>&lt;Routes&gt;</c> when the router is interactive
/// (<c>&lt;OaiqPixel @rendermode="InteractiveServer" /&gt;</c>, as the template does for <c>&lt;HeadOutlet&gt;</c>): it
/// then measures each interactive route change as <c>page_viewed</c> on both legs, through JS interop. Left static under an
/// interactive router, the circuit still measures route changes and the pages' events, but without <see cref="User"/> and
/// <see cref="PageData"/>, and logs so once (log 57). Needs <c>AddOaiqTracking</c>; renders nothing without it.
/// </para>
/// </remarks>
// Streaming rendering addresses a component by boundary markers, which only components that stream get: with them, an
// event recorded after the response started (a streaming page's late content) reaches the page in a streaming update.
// The pixel itself waits for nothing, so it never makes a response stream.
[StreamRendering]
public sealed class OaiqPixel : ComponentBase, IDisposable
{
    private const string StateKey = "OaiqPixel.AspNetCore.Components.OaiqPixel";

    // The data element is built when the component renders, not when an event joins: the events a page records before
    // the pixel's render (and all those recorded between two renders) cost one element, and a page that renders no pixel
    // builds none. _data is also the lock: an event may be recorded off the renderer's dispatcher.
    private PixelPageData? _data;
    private bool _stale;
    private string? _element;
    private string? _moduleSource;
    private OaiqTrackingContext? _tracking;
    private PersistingComponentStateSubscription? _persisting;
    private PersistingComponentStateSubscription? _persistingVisitor;
    private bool _followsRouteChanges;

    /// <summary>
    /// The CSP nonce for the module's <c>&lt;script&gt;</c>; overrides <see cref="OaiqTrackingOptions.NonceProvider"/>.
    /// Empty or white space counts as none given.
    /// </summary>
    [Parameter]
    public string? Nonce { get; set; }

    /// <summary>The signed-in visitor's identifiers for <c>init</c>'s <c>user</c> (spec §1.4), hashed; also added to <c>page_viewed</c>'s server copy.</summary>
    [Parameter]
    public UserData? User { get; set; }

    /// <summary>Optional content for <c>page_viewed</c>.</summary>
    [Parameter]
    public ContentsData? PageData { get; set; }

    /// <summary>Whether to measure <c>page_viewed</c>; <see langword="null"/> follows <see cref="OaiqTrackingOptions.AutoPageView"/>.</summary>
    [Parameter]
    public bool? PageView { get; set; }

    // The request, while the page renders on the server (static rendering or prerendering); null in an interactive circuit.
    [CascadingParameter]
    private HttpContext? HttpContext { get; set; }

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_tracking is not null)
        {
            _tracking.Events.RecordedAfterRender -= OnRecordedAfterPixel;
        }

        _persisting?.Dispose();
        _persistingVisitor?.Dispose();
        if (_followsRouteChanges)
        {
            // Only a circuit's pixel subscribed; a page's would allocate a delegate just to unsubscribe nothing.
            Navigation.LocationChanged -= OnLocationChanged;
        }
    }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        if (Services.GetService<PixelRenderer>() is not { } renderer)
        {
            return;
        }

        if (HttpContext is { } httpContext)
        {
            RenderForRequest(renderer, httpContext);
            if (_data is not null && AssignedRenderMode is not null && Services.GetService<PersistentComponentState>() is { } state)
            {
                // Prerendering an interactive pixel: its circuit instance shows the same data (none when nothing rendered).
                _persisting = state.RegisterOnPersisting(Persist, AssignedRenderMode);
            }
        }
        else if (RendererInfo.IsInteractive && Services.GetService<CircuitTracking>() is { IsCircuit: true } circuit)
        {
            circuit.HasInteractivePixel = true;
            _element = Services.GetService<PersistentComponentState>() is { } state ? TakeElement(state) : null;
            Navigation.LocationChanged += OnLocationChanged;
            _followsRouteChanges = true;
        }
    }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (CurrentElement() is not { } element)
        {
            return;
        }

        if (_moduleSource is not null)
        {
            builder.OpenElement(0, "script");
            builder.AddAttribute(1, "type", "module");
            builder.AddAttribute(2, "src", _moduleSource);
            builder.AddAttribute(3, "data-oaiq-module", true);
            if (_data?.Nonce is { } nonce)
            {
                builder.AddAttribute(4, "nonce", nonce);
            }

            builder.CloseElement();
        }

        builder.AddMarkupContent(5, element);
    }

    private void RenderForRequest(PixelRenderer renderer, HttpContext httpContext)
    {
        _data = renderer.RenderData(httpContext, new PixelRenderRequest(Nonce, User, PageData, PageView));
        if (httpContext.Features.Get<IOaiqTrackingFeature>() is not OaiqTrackingContext tracking)
        {
            return;
        }

        // A page without consent renders nothing, yet hands its answer on all the same: a circuit that took a consenting
        // page's context would otherwise go on recording with it after the visitor withdrew.
        if ((_data is not null || tracking.Consent == OaiqConsent.Denied) && Services.GetService<PersistentComponentState>() is { } state)
        {
            // Rides in the state Blazor persists (and protects) for server circuits; a circuit the page starts reads it.
            _persistingVisitor = Services.GetRequiredService<CircuitVisitor>().PersistForCircuit(state, tracking);
        }

        if (_data is null)
        {
            return;
        }

        _tracking = tracking;
        tracking.Events.RecordedAfterRender += OnRecordedAfterPixel;
        // The fingerprinted URL when MapStaticAssets serves it; from the app's root, so a page without <base href> (a
        // RazorComponentResult) finds it too.
        _moduleSource = httpContext.Request.PathBase.Add(new PathString("/" + Assets[CircuitEventRecorder.ModulePath])).Value;
        _stale = true;
    }

    /// <summary>The data element with every call taken so far, built once per change.</summary>
    private string? CurrentElement()
    {
        if (_data is not { } data)
        {
            return _element;
        }

        lock (data)
        {
            if (_stale)
            {
                _element = data.ToElement();
                _stale = false;
            }

            return _element;
        }
    }

    private void OnRecordedAfterPixel()
    {
        if (_tracking is null || _data is null)
        {
            return;
        }

        var calls = Services.GetRequiredService<PixelRenderer>().TakeRecordedSinceRender(_tracking);
        if (calls.Count == 0)
        {
            return;
        }

        lock (_data)
        {
            _data.AddRange(calls);
            _stale = true;
        }

        // A render still queued (the pixel's first, when the body's events come before it) takes them: no second render.
        _ = RerenderAsync(calls.Count);
    }

    private async Task RerenderAsync(int count)
    {
        try
        {
            await InvokeAsync(StateHasChanged);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            var logger = Services.GetRequiredService<ILogger<OaiqPixel>>();
            ComponentsLog.LateEventsNotRendered(logger, count, ex);
        }
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        // An interactive router changed the page without a request: page_viewed on both legs, through the circuit.
        if (Services.GetService<CircuitEventRecorder>() is { } recorder)
        {
            recorder.TrackPageView(PageData, User, PageView);
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The state is a string, which System.Text.Json serializes without reflection over user types.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The state is a string.")]
    private Task Persist()
    {
        if (CurrentElement() is { } element)
        {
            Services.GetRequiredService<PersistentComponentState>().PersistAsJson(StateKey, element);
        }

        return Task.CompletedTask;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The state is a string.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The state is a string.")]
    private static string? TakeElement(PersistentComponentState state) =>
        state.TryTakeFromJson<string>(StateKey, out var element) ? element : null;
}
