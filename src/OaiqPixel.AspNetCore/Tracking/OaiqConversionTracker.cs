using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Components;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// <see cref="IConversionTracker"/>: checks the call, finds the request's context, makes the event
/// (<see cref="RequestEventFactory"/>) and hands it to <see cref="EventRecorder"/>. Never waits on the network. In an
/// interactive server circuit, which has no request, it records through <see cref="CircuitEventRecorder"/>.
/// </summary>
internal sealed class OaiqConversionTracker(
    IHttpContextAccessor httpContextAccessor,
    TrackingContextFactory contexts,
    RequestEventFactory events,
    EventRecorder recorder,
    CircuitTracking circuit,
    IServiceProvider services,
    ILogger<OaiqConversionTracker> logger) : IConversionTracker
{
    public string? Track(OaiqEvent oaiqEvent, string? eventId = null, UserData? user = null, bool optOut = false) =>
        TrackCore(null, oaiqEvent, eventId, user, optOut);

    public string? TrackSingle(string pixelId, OaiqEvent oaiqEvent, string? eventId = null, UserData? user = null, bool optOut = false)
    {
        if (!OaiqPixelOptions.IsValidPixelId(pixelId))
        {
            throw new ArgumentException("pixelId must be the Pixel ID from Ads Manager: 1-128 characters, without white space or control characters.", nameof(pixelId));
        }

        return TrackCore(pixelId, oaiqEvent, eventId, user, optOut);
    }

    private string? TrackCore(string? pixelId, OaiqEvent oaiqEvent, string? eventId, UserData? user, bool optOut)
    {
        ArgumentNullException.ThrowIfNull(oaiqEvent);
        if (eventId is not null)
        {
            EventIds.Validate(eventId, nameof(eventId));
        }

        if (!contexts.IsActive)
        {
            Log.TrackingInactive(logger, oaiqEvent.Name);
            return null;
        }

        if (circuit.IsCircuit)
        {
            // The circuit's IHttpContextAccessor may show the connection's request (/_blazor), not a page: never use it.
            return services.GetRequiredService<CircuitEventRecorder>().Track(oaiqEvent, eventId, user, optOut, pixelId);
        }

        if (httpContextAccessor.HttpContext is not { } httpContext)
        {
            var background = events.CreateOutsideRequest(oaiqEvent, eventId, user, optOut, pixelId);
            Log.TrackedOutsideRequest(logger, oaiqEvent.Name, events.BackgroundActionSource);
            return Recorded(recorder.SendOutsideRequest(background), background);
        }

        if (contexts.GetOrCreate(httpContext) is not { } context)
        {
            Log.TrackingInactive(logger, oaiqEvent.Name);
            return null;
        }

        if (context.Consent == OaiqConsent.Denied)
        {
            recorder.RefusedForConsent(oaiqEvent.Name);
            return null;
        }

        if (pixelId is not null && !context.HasPixel(pixelId))
        {
            Log.PixelNotOnPage(logger, oaiqEvent.Name, pixelId, string.Join(", ", context.PixelIds));
            return null;
        }

        var conversionEvent = events.Create(context, oaiqEvent, eventId, user, optOut, pixelId);
        var recorded = recorder.Record(context, conversionEvent, out var enqueued);
        Log.EventRecorded(logger, oaiqEvent.Name, conversionEvent.Id, enqueued);
        return Recorded(recorded, conversionEvent);
    }

    /// <summary>The event's id when a leg took it; otherwise <see langword="null"/>, so a caller never reports an event nothing will send.</summary>
    private string? Recorded(bool recorded, ConversionEvent conversionEvent)
    {
        if (recorded)
        {
            return conversionEvent.Id;
        }

        Log.EventNotRecorded(logger, conversionEvent.Event.Name, conversionEvent.Id);
        return null;
    }
}
