using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Internal;

/// <summary>The browser leg's per-process state: the options snapshot and what every request shares.</summary>
internal sealed class OaiqTrackingRuntime
{
    private readonly IOaiqConsentResolver _consentResolver;
    private string? _loaderScript;
    private int _middlewareRan;
    private int _middlewareWarningIssued;

    public OaiqTrackingRuntime(
        IOptions<OaiqTrackingOptions> options,
        IOaiqConsentResolver consentResolver,
        TimeProvider timeProvider,
        IDataProtectionProvider dataProtection,
        ILogger<OaiqTrackingRuntime> logger,
        ConversionsApiInstrumentation metrics)
    {
        Options = options.Value;
        _consentResolver = consentResolver;
        Time = timeProvider;
        Logger = logger;
        Carrier = new PixelCarrier(dataProtection, timeProvider);
        IsActive = Options.Enabled && !string.IsNullOrWhiteSpace(Options.PixelId);
        CookieMaxAgeSeconds = (long)Options.OpprefCookie.MaxAge.TotalSeconds;
        VisitorCookies = new VisitorCookies(Options.OpprefCookie.Domain, logger);
        Metrics = metrics;
        ServerViews = Options.ServerViews ?? new OaiqServerViewOptions();
    }

    public OaiqTrackingOptions Options { get; }

    /// <summary>Enabled and configured.</summary>
    public bool IsActive { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public PixelCarrier Carrier { get; }

    public long CookieMaxAgeSeconds { get; }

    /// <summary>Writes and deletes <c>__oppref</c> / <c>__obref</c> on the domains the browser accepts.</summary>
    public VisitorCookies VisitorCookies { get; }

    /// <summary>Where skipped server copies of view events are counted (<c>oaiq.events.dropped</c>).</summary>
    public ConversionsApiInstrumentation Metrics { get; }

    /// <summary>Which loads send their view events to the Conversions API too.</summary>
    public OaiqServerViewOptions ServerViews { get; }

    /// <summary>
    /// The start of the pixel script up to the official loader for <see cref="OaiqTrackingOptions.SdkUrl"/> (the prerender
    /// guard's opening, then the loader), written once: it is the same on every page. <see cref="PrerenderGuard.End"/>
    /// closes it after the calls.
    /// </summary>
    public string LoaderScript => _loaderScript ??= PrerenderGuard.Start + BuildLoaderScript(Options.SdkUrl);

    /// <summary>Whether <c>app.UseOaiqTracking()</c> has handled a request in this process (see <see cref="MarkMiddlewareRan"/>).</summary>
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
    public static bool NeedsEarlyWork(HttpRequest request)
    {
        if (request.QueryString.HasValue && request.QueryString.Value!.Contains("oppref", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var cookies = request.Headers.Cookie;
        return cookies.Count > 0 && (Cookies.MayContain(cookies, Cookies.Oppref) || Cookies.MayContain(cookies, Cookies.Carrier));
    }

    /// <summary>Returns the request's context, building it on first use; <see langword="null"/> when tracking is off for the request.</summary>
    /// <param name="httpContext">The request.</param>
    /// <param name="fromMiddleware">Whether the caller is the middleware; any other caller building the context checks that the middleware ran.</param>
    public OaiqTrackingContext? GetOrCreate(HttpContext httpContext, bool fromMiddleware = false)
    {
        var existing = httpContext.Features.Get<IOaiqTrackingFeature>();
        if (existing is not null)
        {
            var found = existing as OaiqTrackingContext;
            if (fromMiddleware && found is not null)
            {
                found.SeenByMiddleware = true;
            }

            return found;
        }

        if (!IsActive || httpContext.GetEndpoint()?.Metadata.GetMetadata<DisableOaiqTrackingAttribute>() is not null)
        {
            return null;
        }

        var context = new OaiqTrackingContext(httpContext, this, ResolveConsent(httpContext));
        httpContext.Features.Set<IOaiqTrackingFeature>(context);
        if (context.IsWithdrawal)
        {
            // Whoever builds the context first (the middleware, or the pixel on a page the middleware skipped) clears them.
            VisitorCookies.ClearAfterWithdrawal(context);
        }

        if (fromMiddleware)
        {
            context.SeenByMiddleware = true;
        }
        else if (Volatile.Read(ref _middlewareWarningIssued) == 0)
        {
            CheckMiddleware(context);
        }

        return context;
    }

    /// <summary>
    /// Whether a view event's server copy may go to the Conversions API (a person sees this load, per
    /// <see cref="ServerViews"/>); when not, counts it in <c>oaiq.events.dropped</c> and logs why.
    /// </summary>
    public bool AllowsServerView(OaiqTrackingContext context, string eventName, string eventId)
    {
        if (context.ServerViewSkipReason is not { } reason)
        {
            return true;
        }

        Metrics.Dropped(reason);
        Log.ServerViewSkipped(Logger, eventName, eventId, reason);
        return false;
    }

    /// <summary>
    /// Warns once when the middleware is not in the pipeline of a request it should have seen: it has not run in this
    /// process at all, or it did not build the context of a request carrying what it acts on (<c>?oppref=</c>, our
    /// cookies). The verdict waits for the response to start, since a component running before the middleware (a
    /// middleware that tracks an event) may build the context first.
    /// </summary>
    public void WarnIfMiddlewareMissed(OaiqTrackingContext context)
    {
        var detail = !MiddlewareRan ? "it has not handled any request in this process"
            : context.NeedsMiddleware && !context.SeenByMiddleware ? "the request carried ?oppref= or a tracking cookie, and the middleware did not see it"
            : null;
        if (detail is not null && Interlocked.Exchange(ref _middlewareWarningIssued, 1) == 0)
        {
            Log.MiddlewareMissing(Logger, detail);
        }
    }

    /// <summary>
    /// The middleware's work: a newer click overwrites <c>__oppref</c>, or deletes it when the click cannot be stored.
    /// (A withdrawal's deletions happen when the context is built, see <see cref="GetOrCreate"/>.)
    /// </summary>
    public void WriteCookies(OaiqTrackingContext context)
    {
        if (context.Consent == OaiqConsent.Denied || !context.HasNewClick)
        {
            return;
        }

        if (context.IsOpprefStorable && Options.OpprefCookie.Enabled)
        {
            VisitorCookies.WriteOppref(context, CookieMaxAgeSeconds);
        }
        else if (context.SupersededCookie)
        {
            VisitorCookies.DeleteOlderOppref(context);
        }
    }

    /// <summary>Runs as the response starts: carries unrendered events to the next page, or clears a consumed carrier.</summary>
    public void CompleteResponse(OaiqTrackingContext context)
    {
        try
        {
            var response = context.HttpContext.Response;
            var secure = context.HttpContext.Request.IsHttps;
            if (context.Consent == OaiqConsent.Denied)
            {
                if (context.HadCarrierCookie)
                {
                    Cookies.Delete(response, Cookies.Carrier, null, secure);
                }

                return;
            }

            var pending = context.GetUnrenderedPixelEvents();
            if (pending.Count == 0)
            {
                if (context.HadCarrierCookie && context.IsPixelRendered)
                {
                    Cookies.Delete(response, Cookies.Carrier, null, secure);
                }

                return;
            }

            if (!context.IsPixelRendered && !context.RecordedAny)
            {
                // Only the carried events are pending and nothing rendered (an asset, a second redirect): leave the cookie.
                return;
            }

            var value = Carrier.Protect(pending, out var size);
            if (value is null)
            {
                Log.CarrierOversized(Logger, pending.Count, size, PixelCarrier.MaxCookieLength);
                if (context.HadCarrierCookie)
                {
                    Cookies.Delete(response, Cookies.Carrier, null, secure);
                }

                return;
            }

            Cookies.Append(response, Cookies.Carrier, value, (long)PixelCarrier.Lifetime.TotalSeconds, null, secure, httpOnly: true);
            Log.CarrierWritten(Logger, pending.Count, size);
        }
        catch (Exception ex)
        {
            Log.CarrierFailed(Logger, ex);
        }
    }

    private void CheckMiddleware(OaiqTrackingContext context)
    {
        // In a correct pipeline the middleware has run before any other caller, and it builds the context itself for a
        // request that needs it; only the cheap header scan runs here then, and nothing is registered.
        context.NeedsMiddleware = NeedsEarlyWork(context.HttpContext.Request);
        if (MiddlewareRan && !context.NeedsMiddleware)
        {
            return;
        }

        if (context.HttpContext.Response.HasStarted)
        {
            WarnIfMiddlewareMissed(context);
        }
        else
        {
            context.HttpContext.Response.OnStarting(static state =>
            {
                var tracking = (OaiqTrackingContext)state;
                tracking.Runtime.WarnIfMiddlewareMissed(tracking);
                return Task.CompletedTask;
            }, context);
        }
    }

    private static string BuildLoaderScript(string sdkUrl)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var script = new PixelScriptWriter(buffer))
        {
            script.WriteLoader(sdkUrl);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private OaiqConsent ResolveConsent(HttpContext httpContext)
    {
        try
        {
            return _consentResolver.Resolve(httpContext);
        }
        catch (Exception ex)
        {
            // Fail closed: without a decision nothing may be stored or sent.
            Log.ConsentResolverFailed(Logger, ex);
            return OaiqConsent.Denied;
        }
    }
}
