using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// <see cref="IConversionTracker"/>: checks the call, finds the request's context, makes the event
/// (<see cref="RequestEventFactory"/>) and hands it to <see cref="EventRecorder"/>. Never waits on the network.
/// </summary>
internal sealed class OaiqConversionTracker(
    IHttpContextAccessor httpContextAccessor,
    TrackingContextFactory contexts,
    RequestEventFactory events,
    EventRecorder recorder,
    ILogger<OaiqConversionTracker> logger) : IConversionTracker
{
    public string? Track(OaiqEvent oaiqEvent, string? eventId = null, UserData? user = null, bool optOut = false)
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

        if (httpContextAccessor.HttpContext is not { } httpContext)
        {
            var background = events.CreateOutsideRequest(oaiqEvent, eventId, user, optOut);
            Log.TrackedOutsideRequest(logger, oaiqEvent.Name, events.BackgroundActionSource);
            recorder.SendToServer(null, background);
            return background.Id;
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

        var conversionEvent = events.Create(context, oaiqEvent, eventId, user, optOut);
        var enqueued = recorder.Record(context, conversionEvent);
        Log.EventRecorded(logger, oaiqEvent.Name, conversionEvent.Id, enqueued);
        return conversionEvent.Id;
    }
}
