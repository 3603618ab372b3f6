using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Cookies;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Tells a pipeline without <c>app.UseOaiqTracking()</c> (or with it where page requests do not pass): the pixel still
/// renders and the API still answers, but a landing <c>?oppref=</c> is never kept, so every later event loses it. Warned
/// once per process (log 41), naming the fix.
/// </summary>
internal sealed class MiddlewareCheck(ILogger<MiddlewareCheck> logger)
{
    private int _middlewareRan;
    private int _warningIssued;

    /// <summary>Whether <c>app.UseOaiqTracking()</c> has handled a request in this process.</summary>
    public bool MiddlewareRan => Volatile.Read(ref _middlewareRan) != 0;

    /// <summary>
    /// Called by the middleware on every request. It writes once: later calls only read a field that no longer changes,
    /// so the middleware's fast path stays free of contended writes.
    /// </summary>
    public void MarkMiddlewareRan()
    {
        if (Volatile.Read(ref _middlewareRan) == 0)
        {
            Volatile.Write(ref _middlewareRan, 1);
        }
    }

    /// <summary>Whether the request carries anything the middleware must act on before the endpoint runs.</summary>
    public static bool NeedsMiddleware(HttpRequest request)
    {
        if (request.QueryString.HasValue && request.QueryString.Value!.Contains("oppref", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var cookies = request.Headers.Cookie;
        return cookies.Count > 0 && (RawCookies.MayContain(cookies, RawCookies.Oppref) || RawCookies.MayContain(cookies, RawCookies.Carrier));
    }

    /// <summary>
    /// Checks a context built by someone else than the middleware. The verdict waits for the response to start, since a
    /// component running before the middleware (a middleware that tracks an event) may build the context first.
    /// </summary>
    public void CheckContextBuiltElsewhere(OaiqTrackingContext context)
    {
        if (Volatile.Read(ref _warningIssued) != 0)
        {
            return;
        }

        // In a correct pipeline the middleware has run before any other caller, and it builds the context itself for a
        // request that needs it; only the cheap header scan (none for a request without cookies or query) runs here then,
        // and nothing is registered.
        var needsMiddleware = !context.Landing.IsEmpty && NeedsMiddleware(context.HttpContext.Request);
        if (MiddlewareRan && !needsMiddleware)
        {
            return;
        }

        if (context.HttpContext.Response.HasStarted)
        {
            WarnIfMissed(context, needsMiddleware);
        }
        else
        {
            context.HttpContext.Response.OnStarting(static state =>
            {
                var (check, tracking, needs) = ((MiddlewareCheck, OaiqTrackingContext, bool))state;
                check.WarnIfMissed(tracking, needs);
                return Task.CompletedTask;
            }, (this, context, needsMiddleware));
        }
    }

    private void WarnIfMissed(OaiqTrackingContext context, bool needsMiddleware)
    {
        var detail = !MiddlewareRan ? "it has not handled any request in this process"
            : needsMiddleware && !context.SeenByMiddleware ? "the request carried ?oppref= or a tracking cookie, and the middleware did not see it"
            : null;
        if (detail is not null && Interlocked.Exchange(ref _warningIssued, 1) == 0)
        {
            Log.MiddlewareMissing(logger, detail);
        }
    }
}
