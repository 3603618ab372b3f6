using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.ServerViews;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// The one place request events are handed to the two legs: pixel events join the page's browser leg (rendered by the
/// pixel, or carried to the next page), and every event goes to the server leg — the request's sink
/// (<see cref="ConversionEventSinkKeys.RequestEvents"/>, when a store such as a durable outbox registers one) or
/// <see cref="IConversionEventSink"/> — except the server copy of a view on a load no person sees
/// (<see cref="ServerViewFilter"/>), which is counted and logged instead. Scoped: the sinks may be scoped too (a durable
/// store in the app's unit of work).
/// </summary>
internal sealed class EventRecorder(
    IServiceProvider services,
    IConversionEventSink sink,
    PixelDirectory pixels,
    CarrierCookie carrier,
    ConversionsApiInstrumentation instrumentation,
    ILogger<EventRecorder> logger)
{
    private IConversionEventSink? _requestSink;

    /// <summary>Where the events recorded in a request go: the keyed request sink when one is registered, else the default sink.</summary>
    private IConversionEventSink RequestSink =>
        _requestSink ??= services.GetKeyedService<IConversionEventSink>(ConversionEventSinkKeys.RequestEvents) ?? sink;

    /// <summary>Records an event on both legs.</summary>
    /// <returns>Whether the server leg accepted it.</returns>
    public bool Record(OaiqTrackingContext context, ConversionEvent conversionEvent)
    {
        if (conversionEvent.Event.IsPixelEvent)
        {
            context.AddRecorded(conversionEvent);
            carrier.Hook(context);
        }

        return SendToServer(context, conversionEvent);
    }

    /// <summary>Hands an event to the server leg only: the page's own <c>page_viewed</c> copy, or an event outside a request.</summary>
    /// <returns>Whether the server leg accepted it.</returns>
    public bool SendToServer(OaiqTrackingContext? context, ConversionEvent conversionEvent)
    {
        var target = context is null ? sink : RequestSink;

        // A view's server copy only for a load a person sees; the pixel measures it regardless. With the server leg off
        // there is nothing to skip, nor to count.
        if (context is not null && target.IsEnabled && ServerViewFilter.IsViewEvent(conversionEvent.Event.Name)
            && context.ServerViewSkipReason is { } reason)
        {
            return SkipView(conversionEvent, reason);
        }

        return context is null ? Enqueue(target, conversionEvent) : EnqueueForPixels(target, context.PixelIds, conversionEvent);
    }

    /// <summary>
    /// One copy per pixel for an event aimed at every pixel of the page, with the same id (each pixel deduplicates on its
    /// own, spec §5); an event aimed at one pixel goes as it is, and so does one whose page has the one configured pixel
    /// (a sink reads no <see cref="ConversionEvent.PixelId"/> as every configured pixel: the same pixel, without a copy).
    /// </summary>
    private bool EnqueueForPixels(IConversionEventSink target, IReadOnlyList<string> pixelIds, ConversionEvent conversionEvent)
    {
        if (conversionEvent.PixelId is not null || pixelIds.Count == 0 || IsTheConfiguredPixel(pixelIds))
        {
            return Enqueue(target, conversionEvent);
        }

        var accepted = false;
        foreach (var pixelId in pixelIds)
        {
            accepted |= Enqueue(target, conversionEvent.ForPixel(pixelId));
        }

        return accepted;
    }

    /// <summary>
    /// Hands an event recorded outside the request that rendered its page (an interactive circuit) to the server leg's
    /// <see cref="IConversionEventSink"/> (no request's unit of work commits it), skipping a view's copy when <paramref name="viewSkipReason"/> says no person sees it.
    /// </summary>
    /// <returns>Whether the server leg accepted it.</returns>
    public bool SendToServerForVisitor(string? viewSkipReason, IReadOnlyList<string> pixelIds, ConversionEvent conversionEvent) =>
        viewSkipReason is not null && sink.IsEnabled && ServerViewFilter.IsViewEvent(conversionEvent.Event.Name)
            ? SkipView(conversionEvent, viewSkipReason)
            : EnqueueForPixels(sink, pixelIds, conversionEvent);

    private bool IsTheConfiguredPixel(IReadOnlyList<string> pixelIds)
    {
        if (pixelIds.Count != 1)
        {
            return false;
        }

        var configured = pixels.ConfiguredPixelIds();
        return configured.Count == 1 && string.Equals(configured[0], pixelIds[0], StringComparison.Ordinal);
    }

    private bool SkipView(ConversionEvent conversionEvent, string reason)
    {
        instrumentation.Dropped(reason);
        Log.ServerViewSkipped(logger, conversionEvent.Event.Name, conversionEvent.Id, reason);
        return false;
    }

    private bool Enqueue(IConversionEventSink target, ConversionEvent conversionEvent)
    {
        try
        {
            return target.TryEnqueue(conversionEvent);
        }
        catch (Exception ex)
        {
            // The sink's contract is never to throw; a faulty one must still not fail the page.
            Log.SinkFailed(logger, conversionEvent.Event.Name, ex);
            return false;
        }
    }

    /// <summary>Counts an event not recorded because the visitor has not given consent.</summary>
    public void RefusedForConsent(string eventName)
    {
        Log.ConsentDenied(logger, eventName);
        instrumentation.Dropped(DropReason.Consent);
    }
}
