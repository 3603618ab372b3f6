using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Cookies;

/// <summary>
/// Writes and deletes the visitor's attribution cookies (<c>__oppref</c>, and on withdrawal the SDK's <c>__obref</c>)
/// on domains the browser accepts: the configured <c>Domain</c> only where it domain-matches the request's host, and a
/// deletion on every domain the cookie may have been written on (by this library or by the SDK).
/// </summary>
internal sealed class VisitorCookies(IOptions<OaiqTrackingOptions> options, ILogger<VisitorCookies> logger)
{
    /// <summary>How many distinct hosts get the <see cref="Log.CookieDomainMismatch"/> warning before it goes quiet.</summary>
    /// <remarks>
    /// Once per host names each host a mis-set Domain affects (a development machine is reached as both localhost and
    /// 127.0.0.1); the bound keeps memory and log volume flat when clients send made-up Host headers.
    /// </remarks>
    public const int MaxWarnedHosts = 8;

    private readonly HashSet<string> _warnedHosts = new(StringComparer.Ordinal);
    private readonly Lock _warnedHostsLock = new();

    private readonly OaiqCookieOptions _options = options.Value.OpprefCookie ?? new OaiqCookieOptions();

    /// <summary>The configured <c>Domain</c>, normalized (lower-case, punycode, no leading dot), or <see langword="null"/>.</summary>
    public string? ConfiguredDomain { get; } = CookieDomains.Normalize(options.Value.OpprefCookie?.Domain);

    /// <summary>
    /// The <c>Domain</c> to write <c>__oppref</c> with on this request: the configured one when it domain-matches the host
    /// (RFC 6265 §5.1.3), else <see langword="null"/> (host-only; a browser would drop the cookie), with a warning once
    /// per host.
    /// </summary>
    public string? DomainFor(HttpRequest request)
    {
        if (ConfiguredDomain is not { } domain)
        {
            return null;
        }

        var host = CookieDomains.CanonicalHost(request.Host);
        if (host is not null && CookieDomains.DomainMatches(host, domain))
        {
            return domain;
        }

        WarnOnce(host ?? "(no usable host name)", domain);
        return null;
    }

    /// <summary>
    /// The middleware's step on a landing request: a withdrawal deletes the pixel's cookies
    /// (<see cref="ClearAfterWithdrawal"/>); a newer click overwrites <c>__oppref</c>, or deletes it when the click cannot
    /// be stored.
    /// </summary>
    public void OnLanding(OaiqTrackingContext context)
    {
        if (context.IsWithdrawal)
        {
            ClearAfterWithdrawal(context);
            return;
        }

        if (context.Consent == OaiqConsent.Denied || !context.Landing.HasNewClick)
        {
            return;
        }

        if (context.Landing.IsOpprefStorable && _options.Enabled)
        {
            WriteOppref(context);
        }
        else if (context.Landing.SupersededCookie)
        {
            DeleteOlderOppref(context);
        }
    }

    /// <summary>Writes the newer click into <c>__oppref</c>; an older value on another domain is deleted there.</summary>
    private void WriteOppref(OaiqTrackingContext context)
    {
        var maxAgeSeconds = (long)_options.MaxAge.TotalSeconds;
        var httpContext = context.HttpContext;
        var secure = httpContext.Request.IsHttps;
        var domain = DomainFor(httpContext.Request);
        if (context.Landing.SupersededCookie)
        {
            // The older click may sit on other variants (host-only, a parent domain the SDK chose); the browser would send
            // it beside the new one, first if older. Deleting those here is what makes the new value the only one.
            var deleted = DeleteEverywhere(httpContext, RawCookies.Oppref, out _, keepOne: true, kept: domain);
            Log.OlderOpprefDeleted(logger, "overwrote it with the newer click and deleted it on the other domains", deleted + 1);
        }

        RawCookies.Append(httpContext.Response, RawCookies.Oppref, context.Oppref!, maxAgeSeconds, domain, secure, httpOnly: false);
        Log.OpprefCookieWritten(logger, context.Oppref!.Length, maxAgeSeconds);
    }

    /// <summary>Deletes <c>__oppref</c> everywhere: a newer click superseded it and is not stored.</summary>
    private void DeleteOlderOppref(OaiqTrackingContext context)
    {
        var count = DeleteEverywhere(context.HttpContext, RawCookies.Oppref, out _);
        Log.OlderOpprefDeleted(logger, "deleted it, since the newer click is not stored", count);
    }

    /// <summary>
    /// On the request that sees a withdrawal, deletes <c>__oppref</c> and <c>__obref</c> host-only and on every domain
    /// they may have been written on: the middleware's step, or the pixel's on a request the middleware skipped (only
    /// <c>__obref</c> to clear). Nothing when the response has already started (the next request sees it again).
    /// </summary>
    public void ClearAfterWithdrawal(OaiqTrackingContext context)
    {
        if (context.HttpContext.Response.HasStarted)
        {
            return;
        }

        var count = DeleteEverywhere(context.HttpContext, RawCookies.Oppref, out var domains);
        count += DeleteEverywhere(context.HttpContext, RawCookies.Obref, out _);
        if (context.Landing.HadOpprefCookie)
        {
            Log.OpprefCookieDeleted(logger);
        }

        Log.ConsentWithdrawn(logger, count, domains);
    }

    /// <summary>
    /// Deletes a cookie host-only and on each of its possible domains, except the variant about to be written when
    /// <paramref name="keepOne"/> (<paramref name="kept"/>: its <c>Domain</c>, or <see langword="null"/> for host-only).
    /// Returns the number of <c>Set-Cookie</c> headers written.
    /// </summary>
    private int DeleteEverywhere(HttpContext httpContext, string name, out int domainCount, bool keepOne = false, string? kept = null)
    {
        var domains = CookieDomains.ParentDomains(CookieDomains.CanonicalHost(httpContext.Request.Host), ConfiguredDomain);
        string?[] variants = [null, .. domains];
        var count = 0;
        foreach (var domain in variants.Where(domain => !keepOne || !string.Equals(domain, kept, StringComparison.Ordinal)))
        {
            RawCookies.Delete(httpContext.Response, name, domain, httpContext.Request.IsHttps);
            count++;
        }

        domainCount = domains.Count;
        return count;
    }

    private void WarnOnce(string host, string domain)
    {
        lock (_warnedHostsLock)
        {
            if (_warnedHosts.Count >= MaxWarnedHosts || !_warnedHosts.Add(host))
            {
                return;
            }
        }

        Log.CookieDomainMismatch(logger, domain, host, MaxWarnedHosts);
    }
}
