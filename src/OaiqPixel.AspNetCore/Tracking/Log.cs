using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// The browser leg's log messages. Event ids 1–49 are the browser leg's and are part of the contract (README
/// "Logging"): never renumber. No message carries an <c>oppref</c>, <c>obref</c>, personal data or a key.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "OpprefRefused", Level = LogLevel.Debug,
        Message = "The landing oppref (a newer click) was not stored in the __oppref cookie: {Reason}. This request's events carry it: {CarriedByEvents} (only a value the Conversions API takes, without white space or control characters); an older __oppref is deleted, not used.")]
    public static partial void OpprefRefused(ILogger logger, string reason, bool carriedByEvents);

    [LoggerMessage(EventId = 2, EventName = "OpprefCookieWritten", Level = LogLevel.Debug,
        Message = "Wrote the __oppref cookie ({Length} characters, max-age {MaxAgeSeconds} s).")]
    public static partial void OpprefCookieWritten(ILogger logger, int length, long maxAgeSeconds);

    [LoggerMessage(EventId = 3, EventName = "OpprefCookieDeleted", Level = LogLevel.Debug,
        Message = "Consent is not given: deleted the __oppref cookie.")]
    public static partial void OpprefCookieDeleted(ILogger logger);

    [LoggerMessage(EventId = 4, EventName = "ConsentDenied", Level = LogLevel.Debug,
        Message = "Consent is not given: '{EventName}' was not recorded.")]
    public static partial void ConsentDenied(ILogger logger, string eventName);

    [LoggerMessage(EventId = 5, EventName = "TrackingInactive", Level = LogLevel.Debug,
        Message = "Tracking is off for this request (disabled, or the endpoint opted out): '{EventName}' was not recorded.")]
    public static partial void TrackingInactive(ILogger logger, string eventName);

    [LoggerMessage(EventId = 6, EventName = "EventRecorded", Level = LogLevel.Debug,
        Message = "Recorded '{EventName}' with id {EventId}; handed to the server leg: {Enqueued}.")]
    public static partial void EventRecorded(ILogger logger, string eventName, string eventId, bool enqueued);

    [LoggerMessage(EventId = 7, EventName = "StoreFailed", Level = LogLevel.Error,
        Message = "The server leg's store (IConversionEventStore) threw while keeping '{EventName}'; the server leg of this event is lost.")]
    public static partial void StoreFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 8, EventName = "TrackedOutsideRequest", Level = LogLevel.Debug,
        Message = "'{EventName}' was tracked outside an HTTP request: handed to the server leg only, with action_source {ActionSource}.")]
    public static partial void TrackedOutsideRequest(ILogger logger, string eventName, ActionSource? actionSource);

    [LoggerMessage(EventId = 9, EventName = "EventNotRecorded", Level = LogLevel.Debug,
        Message = "'{EventName}' ({EventId}) was taken by neither leg (see the log line before this one for why): Track returns null.")]
    public static partial void EventNotRecorded(ILogger logger, string eventName, string eventId);

    [LoggerMessage(EventId = 10, EventName = "PixelRenderFailed", Level = LogLevel.Error,
        Message = "<oaiq-pixel /> failed and rendered nothing.")]
    public static partial void PixelRenderFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 11, EventName = "PixelAlreadyRendered", Level = LogLevel.Debug,
        Message = "<oaiq-pixel /> appears more than once on the page; only the first renders the loader.")]
    public static partial void PixelAlreadyRendered(ILogger logger);

    [LoggerMessage(EventId = 12, EventName = "PixelSuppressed", Level = LogLevel.Debug,
        Message = "<oaiq-pixel /> rendered nothing: {Reason}.")]
    public static partial void PixelSuppressed(ILogger logger, string reason);

    [LoggerMessage(EventId = 13, EventName = "EventTagFailed", Level = LogLevel.Error,
        Message = "<oaiq-event /> could not record its event; check its attributes.")]
    public static partial void EventTagFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 14, EventName = "ConsentResolverFailed", Level = LogLevel.Error,
        Message = "The consent resolver threw; the request is treated as without consent.")]
    public static partial void ConsentResolverFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 20, EventName = "CarrierWritten", Level = LogLevel.Debug,
        Message = "Carried {Count} pixel call(s) this response did not render to the next page ({Size} bytes).")]
    public static partial void CarrierWritten(ILogger logger, int count, int size);

    [LoggerMessage(EventId = 21, EventName = "CarrierOversized", Level = LogLevel.Warning,
        Message = "The browser leg of {Count} event(s) was dropped: the carrier cookie would be {Size} bytes, over the {Limit}-byte limit. Their server leg is unaffected.")]
    public static partial void CarrierOversized(ILogger logger, int count, int size, int limit);

    [LoggerMessage(EventId = 22, EventName = "CarrierRejected", Level = LogLevel.Debug,
        Message = "Ignored the carrier cookie: {Reason}.")]
    public static partial void CarrierRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 23, EventName = "CarrierFailed", Level = LogLevel.Error,
        Message = "Writing or clearing the carrier cookie failed; carried events may not render.")]
    public static partial void CarrierFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 30, EventName = "ConsentWithdrawn", Level = LogLevel.Debug,
        Message = "Consent is not given and the request still carries the pixel's cookies (a withdrawal): deleted __oppref and __obref with {SetCookieCount} Set-Cookie headers (host-only and {DomainCount} domain(s)); <oaiq-pixel /> renders oaiq(\"consent\", false) on this page so the SDK clears its own state.")]
    public static partial void ConsentWithdrawn(ILogger logger, int setCookieCount, int domainCount);

    [LoggerMessage(EventId = 31, EventName = "OlderOpprefDeleted", Level = LogLevel.Debug,
        Message = "A newer click in the landing URL superseded the __oppref cookie: {Action} ({SetCookieCount} Set-Cookie headers), so later pages do not credit the older click.")]
    public static partial void OlderOpprefDeleted(ILogger logger, string action, int setCookieCount);

    [LoggerMessage(EventId = 32, EventName = "CookieDomainMismatch", Level = LogLevel.Warning,
        Message = "The configured cookie Domain '{Domain}' (OpprefCookie:Domain) does not domain-match this request's host '{Host}', so a browser would drop a cookie written with it: wrote a host-only __oppref for this host instead. Serve the site from {Domain} or one of its subdomains, or leave OpprefCookie:Domain unset for a host-only cookie. Logged once per host, for at most {Limit} hosts.")]
    public static partial void CookieDomainMismatch(ILogger logger, string domain, string host, int limit);

    [LoggerMessage(EventId = 40, EventName = "ServerViewSkipped", Level = LogLevel.Debug,
        Message = "Did not send '{EventName}' ({EventId}) to the Conversions API: no person sees this load ({Reason}). The pixel still measures it in the browser.")]
    public static partial void ServerViewSkipped(ILogger logger, string eventName, string eventId, string reason);

    [LoggerMessage(EventId = 41, EventName = "MiddlewareMissing", Level = LogLevel.Warning,
        Message = "app.UseOaiqTracking() did not run for this request ({Detail}): a landing ?oppref= is not kept in the __oppref cookie, so events on later pages go out without oppref. Add app.UseOaiqTracking() after app.UseRouting() (and after UseForwardedHeaders and UseCookiePolicy if you use them) and before the endpoints (MapControllerRoute, MapRazorPages, MapGet, ...). Logged once.")]
    public static partial void MiddlewareMissing(ILogger logger, string detail);

    [LoggerMessage(EventId = 80, EventName = "PixelResolverFailed", Level = LogLevel.Error,
        Message = "The pixel resolver {Resolver} threw: tracking is off for this request (no pixel, no event). Fix the resolver; it must not throw.")]
    public static partial void PixelResolverFailed(ILogger logger, string resolver, Exception exception);

    [LoggerMessage(EventId = 81, EventName = "PixelIdUnusable", Level = LogLevel.Warning,
        Message = "The pixel resolver {Resolver} returned a pixel at index {Index} without a usable PixelId (1-128 characters, no white space or control characters): it was left out of this request.")]
    public static partial void PixelIdUnusable(ILogger logger, string resolver, int index);

    [LoggerMessage(EventId = 82, EventName = "PixelNotOnPage", Level = LogLevel.Warning,
        Message = "'{EventName}' was aimed at pixel {PixelId}, which is not one of this request's pixels ({RequestPixels}): it was not recorded, as the SDK loses events for a pixel the page did not initialize (spec 1.7). Have the pixel resolver return it for this request.")]
    public static partial void PixelNotOnPage(ILogger logger, string eventName, string pixelId, string requestPixels);
}
