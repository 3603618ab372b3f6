using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Internal;

/// <summary>The browser leg's per-process state: the options snapshot and what every request shares.</summary>
internal sealed class OaiqTrackingRuntime
{
    private readonly IOaiqConsentResolver _consentResolver;
    private string? _loaderScript;

    public OaiqTrackingRuntime(
        IOptions<OaiqTrackingOptions> options,
        IOaiqConsentResolver consentResolver,
        TimeProvider timeProvider,
        IDataProtectionProvider dataProtection,
        ILogger<OaiqTrackingRuntime> logger)
    {
        Options = options.Value;
        _consentResolver = consentResolver;
        Time = timeProvider;
        Logger = logger;
        Carrier = new PixelCarrier(dataProtection, timeProvider);
        IsActive = Options.Enabled && !string.IsNullOrWhiteSpace(Options.PixelId);
        CookieMaxAgeSeconds = (long)Options.OpprefCookie.MaxAge.TotalSeconds;
        VisitorCookies = new VisitorCookies(Options.OpprefCookie.Domain, logger);
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

    /// <summary>The official loader for <see cref="OaiqTrackingOptions.SdkUrl"/>, written once: it is the same on every page.</summary>
    public string LoaderScript => _loaderScript ??= BuildLoaderScript(Options.SdkUrl);

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
    public OaiqTrackingContext? GetOrCreate(HttpContext httpContext)
    {
        var existing = httpContext.Features.Get<IOaiqTrackingFeature>();
        if (existing is not null)
        {
            return existing as OaiqTrackingContext;
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

        return context;
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
