using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.ServerViews;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Hands a recorded event to its legs: a pixel event joins the page's browser leg (<see cref="PageEvents"/>: rendered by
/// the pixel, or carried to the next page), and every event goes to the server leg's one pipeline
/// (<see cref="ConversionEventPipeline"/>) — except the server copy of a view on a load no person sees
/// (<see cref="ServerViewFilter"/>), which is counted and logged instead.
/// </summary>
internal sealed class EventRecorder(ConversionEventPipeline pipeline, CarrierCookie carrier, ConversionsApiInstrumentation instrumentation, ILogger<EventRecorder> logger, Verification.LegLedger? ledger = null)
{
    /// <summary>Records a request's event on both legs.</summary>
    /// <param name="context">The request.</param>
    /// <param name="conversionEvent">The enriched event.</param>
    /// <param name="server">Whether the server leg accepted it.</param>
    /// <returns>Whether either leg took it.</returns>
    public bool Record(OaiqTrackingContext context, ConversionEvent conversionEvent, out bool server)
    {
        var browser = conversionEvent.Event.IsPixelEvent;
        if (browser)
        {
            context.Events.Add(conversionEvent);
            carrier.Hook(context);
            ledger?.Rendered(context.PixelIds, conversionEvent);
        }

        server = SendToServer(context, conversionEvent);
        return browser || server;
    }

    /// <summary>Hands a request's event to the server leg only (the page's own <c>page_viewed</c> copy), in the request's unit of work.</summary>
    /// <returns>Whether the server leg accepted it.</returns>
    /// <remarks>With the server leg off nothing is filtered: the bot patterns are neither loaded nor run (nor linked, in an app built without the leg).</remarks>
    public bool SendToServer(OaiqTrackingContext context, ConversionEvent conversionEvent) =>
        OaiqFeatureSwitches.IsConversionsApiSupported && pipeline.IsEnabled
        && !(ServerViewFilter.IsViewEvent(conversionEvent.Event.Name) && IsSkippedView(context.ServerViewSkipReason, conversionEvent))
        && pipeline.Submit(conversionEvent, context.PixelIds, context.HttpContext);

    /// <summary>Hands an event tracked outside any request (a background job) to the server leg: every configured pixel.</summary>
    /// <returns>Whether the server leg accepted it.</returns>
    public bool SendOutsideRequest(ConversionEvent conversionEvent) => pipeline.Submit(conversionEvent, [], request: null);

    /// <summary>
    /// Hands an event recorded outside the request that rendered its page (an interactive circuit) to the server leg, in no
    /// request's unit of work, skipping a view's copy when <paramref name="viewSkipReason"/> says no person sees it.
    /// </summary>
    /// <returns>Whether the server leg accepted it.</returns>
    public bool SendToServerForVisitor(string? viewSkipReason, IReadOnlyList<string> pixelIds, ConversionEvent conversionEvent) =>
        !(viewSkipReason is not null && ServerViewFilter.IsViewEvent(conversionEvent.Event.Name) && IsSkippedView(viewSkipReason, conversionEvent))
        && pipeline.Submit(conversionEvent, pixelIds, request: null);

    /// <summary>Counts an event not recorded because the visitor has not given consent.</summary>
    public void RefusedForConsent(string eventName)
    {
        Log.ConsentDenied(logger, eventName);
        instrumentation.Dropped(DropReason.Consent);
    }

    /// <summary>Whether a view's server copy is skipped (counted, logged): no person sees the load, and the server leg is on (with it off there is nothing to skip).</summary>
    private bool IsSkippedView(string? reason, ConversionEvent conversionEvent)
    {
        if (reason is null || !pipeline.IsEnabled)
        {
            return false;
        }

        instrumentation.Dropped(reason);
        Log.ServerViewSkipped(logger, conversionEvent.Event.Name, conversionEvent.Id, reason);
        return true;
    }
}
