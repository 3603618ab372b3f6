using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// Records events in an interactive server circuit (an event handler, an interactive route change), where no request is
/// at hand: the visitor context comes from the page (<see cref="CircuitVisitor"/>, persisted component state), the
/// server leg goes to the same <see cref="EventRecorder"/> as a request's, and the browser leg is handed to the module
/// through JS interop — the same id on both. Scoped to the circuit.
/// </summary>
/// <remarks>
/// <see cref="Track"/> returns the id at once; the browser leg needs a JS interop round trip, so the legs go out right
/// after, on the circuit's dispatcher. Without a visitor context (no <c>&lt;OaiqPixel /&gt;</c> on the page, consent
/// not given when it rendered) nothing is recorded, on either leg (log 50).
/// </remarks>
internal sealed class CircuitEventRecorder(
    CircuitTracking state,
    IJSRuntime js,
    NavigationManager navigation,
    RequestEventFactory events,
    EventRecorder recorder,
    TrackingContextFactory contexts,
    IOptions<OaiqTrackingOptions> options,
    ILogger<CircuitEventRecorder> logger)
{
    /// <summary>The module's path below the app's base address.</summary>
    public const string ModulePath = "_content/OaiqPixel.AspNetCore/oaiq-pixel.js";

    // The circuit is one page to its data layer: a conversion's copies under one id push one GA4 event.
    private readonly DataLayerWriter _dataLayer = new();

    // Logs 57 and 58 are a fix to make in the app, not news about a visitor: once per process is enough.
    private static int s_routeChangesLogged;

    private Task<IJSObjectReference>? _module;

    /// <summary>
    /// Records an event on the browser leg and, unless <paramref name="serverLeg"/> is false, the server leg; returns its
    /// id (a fresh one when <paramref name="eventId"/> is null). <paramref name="pixelId"/> aims it at one of the page's
    /// pixels.
    /// </summary>
    public string Track(global::OaiqPixel.OaiqEvent oaiqEvent, string? eventId, UserData? user, bool optOut, string? pixelId = null, bool serverLeg = true)
    {
        var id = eventId ?? EventIds.New();
        _ = RecordAsync(oaiqEvent, id, events.Now, SourceUrl(navigation.Uri), user, optOut, serverLeg, pixelId);
        return id;
    }

    /// <summary>
    /// Measures an interactive route change as <c>page_viewed</c> (when <paramref name="pageView"/>, or else
    /// <see cref="OaiqTrackingOptions.AutoPageView"/>, says so), with its server copy as for a page a request rendered.
    /// </summary>
    public void TrackPageView(ContentsData? pageData, UserData? user, bool? pageView)
    {
        if (contexts.IsActive && (pageView ?? options.Value.AutoPageView))
        {
            Track(global::OaiqPixel.OaiqEvent.PageViewed(pageData), null, user, optOut: false, serverLeg: options.Value.ConversionsApi.SendPageViews);
        }
    }

    /// <summary>
    /// The address changed while no interactive <c>&lt;OaiqPixel /&gt;</c> runs in this circuit: when the page's router is
    /// interactive (the pixel in its <c>&lt;head&gt;</c> is static, so nothing else sees the change), measures the new
    /// page's <c>page_viewed</c> as the pixel would have (when the pages' data measure one); when the page changes pages
    /// by requests (enhanced navigation), does nothing — each request measures its page.
    /// </summary>
    public async Task TrackRouteChangeAsync()
    {
        if (!contexts.IsActive)
        {
            return; // tracking is off: not even a question to the page
        }

        try
        {
            var navigation = await GetNavigationAsync();
            if (navigation is PageNavigation.Circuit or PageNavigation.CircuitWithoutPageView)
            {
                if (Interlocked.Exchange(ref s_routeChangesLogged, 1) == 0)
                {
                    ComponentsLog.StaticPixelRouteChangesMeasured(logger);
                }

                if (navigation is PageNavigation.Circuit)
                {
                    TrackPageView(pageData: null, user: null, pageView: true);
                }
            }
            else if (navigation is PageNavigation.Unknown && Interlocked.Exchange(ref s_routeChangesLogged, 1) == 0)
            {
                ComponentsLog.StaticPixelRouteChangesNotMeasured(logger);
            }
            else if (navigation is PageNavigation.Failed)
            {
                ComponentsLog.CircuitEventDropped(logger, OaiqEventNames.PageViewed, "the page did not say through JS interop how it changes pages");
            }
        }
        catch (Exception ex)
        {
            ComponentsLog.CircuitFailed(logger, OaiqEventNames.PageViewed, ex);
        }
    }

    /// <summary>
    /// How the page changes pages (asked of the Blazor module once per circuit): by requests, each measuring its page, or
    /// by an interactive router in this circuit, where only the circuit sees a route change.
    /// </summary>
    public Task<PageNavigation> GetNavigationAsync()
    {
        if (state.Navigation is { } asked)
        {
            return asked;
        }

        // Kept for the next question unless it is answered already (a failure before any round trip): then asked again.
        var asking = AskNavigationAsync();
        if (!asking.IsCompleted)
        {
            state.Navigation = asking;
        }

        return asking;
    }

    private async Task<PageNavigation> AskNavigationAsync()
    {
        try
        {
            return await (await GetModuleAsync()).InvokeAsync<string?>("navigation") switch
            {
                "request" => PageNavigation.Request,
                "circuit" => PageNavigation.Circuit,
                "circuit-no-view" => PageNavigation.CircuitWithoutPageView,
                "no-pixel" => NotYet(PageNavigation.NoPixel),
                _ => PageNavigation.Unknown,
            };
        }
        catch (Exception ex) when (IsInteropFailure(ex))
        {
            return NotYet(PageNavigation.Failed);
        }
    }

    // An answer that may change (the page may answer once the circuit reconnects, or a later page carry pixel data): ask
    // again next time.
    private PageNavigation NotYet(PageNavigation answer)
    {
        state.Navigation = null;
        return answer;
    }

    private async Task RecordAsync(global::OaiqPixel.OaiqEvent oaiqEvent, string id, DateTimeOffset timestamp, string? sourceUrl, UserData? user, bool optOut, bool serverLeg, string? pixelId)
    {
        try
        {
            var visitor = state.Visitor;
            if (visitor is null)
            {
                ComponentsLog.CircuitEventDropped(logger, oaiqEvent.Name, "the page carries no visitor context (no <OaiqPixel /> in its <head>, or tracking was off for it)");
                return;
            }

            if (visitor.Consent == OaiqConsent.Denied)
            {
                recorder.RefusedForConsent(oaiqEvent.Name);
                return;
            }

            if (pixelId is not null && visitor.PixelIds.Count > 0 && !visitor.PixelIds.Contains(pixelId))
            {
                ComponentsLog.CircuitEventDropped(logger, oaiqEvent.Name, "it is aimed at a pixel the page did not initialize (spec 1.7)");
                return;
            }

            var conversionEvent = RequestEventFactory.CreateForVisitor(visitor.Oppref, sourceUrl, visitor.RequestUser, oaiqEvent, id, timestamp, user, optOut, pixelId);
            var enqueued = serverLeg && recorder.SendToServerForVisitor(visitor.ViewSkipReason, visitor.PixelIds, conversionEvent);
            var browser = oaiqEvent.IsPixelEvent;
            if (browser)
            {
                var call = string.Join(",", PixelScriptWriter.EventCalls(conversionEvent, options.Value.BrowserLeg, _dataLayer).Select(static c => Encoding.UTF8.GetString(c.Span)));
                try
                {
                    var module = await GetModuleAsync();
                    await module.InvokeVoidAsync("measure", "[" + call + "]");
                }
                catch (Exception ex) when (IsInteropFailure(ex))
                {
                    ComponentsLog.CircuitBrowserLegFailed(logger, oaiqEvent.Name, id, ex);
                    browser = false;
                }
            }

            ComponentsLog.CircuitEventRecorded(logger, oaiqEvent.Name, id, enqueued, browser);
        }
        catch (Exception ex)
        {
            // A circuit must never fail because of measurement.
            ComponentsLog.CircuitFailed(logger, oaiqEvent.Name, ex);
        }
    }

    // How JS interop fails when the page cannot answer (gone, disconnected, reloading): measurement gives up, the circuit goes on.
    private static bool IsInteropFailure(Exception ex) =>
        ex is JSException or JSDisconnectedException or TaskCanceledException or InvalidOperationException;

    private Task<IJSObjectReference> GetModuleAsync() =>
        _module ??= js.InvokeAsync<IJSObjectReference>("import", new Uri(navigation.BaseUri).AbsolutePath + ModulePath).AsTask();

    private static string? SourceUrl(string uri)
    {
        // Scheme, host and path, as for a request (no query, no fragment: spec §9 #18).
        var url = new Uri(uri).GetLeftPart(UriPartial.Path);
        return ConversionEvent.IsValidSourceUrl(url) ? url : null;
    }
}
