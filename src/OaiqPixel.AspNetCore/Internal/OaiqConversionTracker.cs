using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Internal;

/// <summary>
/// Records events for both legs: adds them to the request's context for <c>&lt;oaiq-pixel /&gt;</c> and hands them,
/// enriched from the request, to the server leg's <see cref="IConversionEventSink"/> without waiting.
/// </summary>
internal sealed class OaiqConversionTracker : IConversionTracker
{
    private readonly IHttpContextAccessor _httpContextAccessor;
    private readonly OaiqTrackingRuntime _runtime;
    private readonly IConversionEventSink _sink;
    private readonly ILogger _logger;
    private readonly ConversionsApiInstrumentation _metrics;

    public OaiqConversionTracker(
        IHttpContextAccessor httpContextAccessor,
        OaiqTrackingRuntime runtime,
        IConversionEventSink sink,
        ConversionsApiInstrumentation metrics,
        ILogger<OaiqConversionTracker> logger)
    {
        _httpContextAccessor = httpContextAccessor;
        _runtime = runtime;
        _sink = sink;
        _metrics = metrics;
        _logger = logger;
    }

    public string? Track(OaiqEvent oaiqEvent, string? eventId = null, UserData? user = null, bool optOut = false)
    {
        ArgumentNullException.ThrowIfNull(oaiqEvent);
        if (eventId is not null)
        {
            EventIds.Validate(eventId, nameof(eventId));
        }

        if (!_runtime.IsActive)
        {
            Log.TrackingInactive(_logger, oaiqEvent.Name);
            return null;
        }

        var httpContext = _httpContextAccessor.HttpContext;
        if (httpContext is null)
        {
            return TrackOutsideRequest(oaiqEvent, eventId, user, optOut);
        }

        var context = _runtime.GetOrCreate(httpContext);
        if (context is null)
        {
            Log.TrackingInactive(_logger, oaiqEvent.Name);
            return null;
        }

        if (context.Consent == OaiqConsent.Denied)
        {
            Log.ConsentDenied(_logger, oaiqEvent.Name);
            _metrics.Dropped(DropReason.Consent);
            return null;
        }

        var conversionEvent = new ConversionEvent(oaiqEvent, eventId ?? EventIds.New(), _runtime.Time.GetUtcNow())
        {
            Oppref = context.Oppref,
            SourceUrl = context.SourceUrl,
            ActionSource = oaiqEvent.IsPixelEvent ? ActionSource.Web : null,
            OptOut = optOut,
            User = context.RequestUser.Merge(user),
        };

        if (oaiqEvent.IsPixelEvent)
        {
            context.Record(conversionEvent);
        }

        // A view's server copy only for a load a person sees (OaiqServerViewOptions); the pixel measures it regardless.
        // With the server leg off there is nothing to skip (nor to count).
        var enqueued = (_sink is ConversionEventQueue { IsEnabled: false }
                || !ServerViewFilter.IsViewEvent(oaiqEvent.Name)
                || _runtime.AllowsServerView(context, oaiqEvent.Name, conversionEvent.Id))
            && Enqueue(conversionEvent);
        Log.EventRecorded(_logger, oaiqEvent.Name, conversionEvent.Id, enqueued);
        return conversionEvent.Id;
    }

    internal bool Enqueue(ConversionEvent conversionEvent) => Enqueue(_sink, conversionEvent, _logger);

    internal static bool Enqueue(IConversionEventSink sink, ConversionEvent conversionEvent, ILogger logger)
    {
        try
        {
            return sink.TryEnqueue(conversionEvent);
        }
        catch (Exception ex)
        {
            // The sink's contract is never to throw; a faulty one must still not fail the page.
            Log.SinkFailed(logger, conversionEvent.Event.Name, ex);
            return false;
        }
    }

    private string TrackOutsideRequest(OaiqEvent oaiqEvent, string? eventId, UserData? user, bool optOut)
    {
        var source = _runtime.Options.BackgroundActionSource;
        var conversionEvent = new ConversionEvent(oaiqEvent, eventId ?? EventIds.New(), _runtime.Time.GetUtcNow())
        {
            ActionSource = source,
            OptOut = optOut,
            User = user,
        };

        Log.TrackedOutsideRequest(_logger, oaiqEvent.Name, source);
        Enqueue(conversionEvent);
        return conversionEvent.Id;
    }
}
