using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.Cookies;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Captures the landing <c>oppref</c> into the <c>__oppref</c> cookie, clears the pixel's cookies on a consent
/// withdrawal, and picks up the Post/Redirect/Get carrier. Everything else (page view, recorded events) is built on first
/// use by the tracker and the pixel, so a request without <c>oppref</c> and without our cookies costs a header scan and
/// nothing more.
/// </summary>
internal sealed class OaiqTrackingMiddleware(RequestDelegate next, TrackingContextFactory contexts, VisitorCookies visitorCookies, CarrierCookie carrier, MiddlewareCheck middlewareCheck)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Lets the pixel and the tracker tell a pipeline without the middleware (warned once, log 41).
        middlewareCheck.MarkMiddlewareRan();

        // Fast path: off, or nothing to capture, delete or carry in.
        if (!contexts.IsActive || !MiddlewareCheck.NeedsMiddleware(context.Request))
        {
            return next(context);
        }

        if (contexts.GetOrCreate(context, fromMiddleware: true) is { } tracking)
        {
            visitorCookies.OnLanding(tracking);
            carrier.Read(tracking);
        }

        return next(context);
    }
}
