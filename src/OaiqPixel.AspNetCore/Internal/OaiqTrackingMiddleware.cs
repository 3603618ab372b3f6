using Microsoft.AspNetCore.Http;

namespace OaiqPixel.AspNetCore.Internal;

/// <summary>
/// Captures the landing <c>oppref</c> into the <c>__oppref</c> cookie, deletes it when consent is withdrawn, and picks up
/// the Post/Redirect/Get carrier. Everything else (page view, recorded events) is built on first use by the tracker and
/// the tag helpers, so a request without <c>oppref</c> and without our cookies costs a header scan and nothing more.
/// </summary>
internal sealed class OaiqTrackingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly OaiqTrackingRuntime _runtime;

    public OaiqTrackingMiddleware(RequestDelegate next, OaiqTrackingRuntime runtime)
    {
        _next = next;
        _runtime = runtime;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // Lets the tag helpers and the tracker tell a pipeline without the middleware (warned once, log 41).
        _runtime.MarkMiddlewareRan();

        // Fast path: off, or nothing to capture, delete or carry in.
        if (!_runtime.IsActive || !OaiqTrackingRuntime.NeedsEarlyWork(context.Request))
        {
            return _next(context);
        }

        if (_runtime.GetOrCreate(context, fromMiddleware: true) is { } tracking)
        {
            _runtime.WriteCookies(tracking);
        }

        return _next(context);
    }
}
