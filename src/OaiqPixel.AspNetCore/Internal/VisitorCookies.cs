using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Internal;

/// <summary>
/// Writes and deletes the visitor's attribution cookies (<c>__oppref</c>, and on withdrawal the SDK's <c>__obref</c>)
/// on domains the browser accepts: the configured <c>Domain</c> only where it domain-matches the request's host, and a
/// deletion on every domain the cookie may have been written on (by this library or by the SDK).
/// </summary>
internal sealed class VisitorCookies
{
    /// <summary>How many distinct hosts get the <see cref="Log.CookieDomainMismatch"/> warning before it goes quiet.</summary>
    /// <remarks>
    /// Once per host names each host a mis-set Domain affects (a development machine is reached as both localhost and
    /// 127.0.0.1); the bound keeps memory and log volume flat when clients send made-up Host headers.
    /// </remarks>
    public const int MaxWarnedHosts = 8;

    private readonly ILogger _logger;
    private readonly HashSet<string> _warnedHosts = new(StringComparer.Ordinal);
    private readonly Lock _warnedHostsLock = new();

    public VisitorCookies(string? configuredDomain, ILogger logger)
    {
        ConfiguredDomain = CookieDomains.Normalize(configuredDomain);
        _logger = logger;
    }

    /// <summary>The configured <c>Domain</c>, normalized (lower-case, punycode, no leading dot), or <see langword="null"/>.</summary>
    public string? ConfiguredDomain { get; }

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

    /// <summary>Writes the newer click into <c>__oppref</c>; an older value on another domain is deleted there.</summary>
    public void WriteOppref(OaiqTrackingContext context, long maxAgeSeconds)
    {
        var httpContext = context.HttpContext;
        var secure = httpContext.Request.IsHttps;
        var domain = DomainFor(httpContext.Request);
        if (context.SupersededCookie)
        {
            // The older click may sit on other variants (host-only, a parent domain the SDK chose); the browser would send
            // it beside the new one, first if older. Deleting those here is what makes the new value the only one.
            var deleted = 0;
            if (domain is not null)
            {
                Cookies.Delete(httpContext.Response, Cookies.Oppref, null, secure);
                deleted++;
            }

            foreach (var other in CookieDomains.ParentDomains(CookieDomains.CanonicalHost(httpContext.Request.Host), ConfiguredDomain))
            {
                if (!string.Equals(other, domain, StringComparison.Ordinal))
                {
                    Cookies.Delete(httpContext.Response, Cookies.Oppref, other, secure);
                    deleted++;
                }
            }

            Log.OlderOpprefDeleted(_logger, "overwrote it with the newer click and deleted it on the other domains", deleted + 1);
        }

        Cookies.Append(httpContext.Response, Cookies.Oppref, context.Oppref!, maxAgeSeconds, domain, secure, httpOnly: false);
        Log.OpprefCookieWritten(_logger, context.Oppref!.Length, maxAgeSeconds);
    }

    /// <summary>Deletes <c>__oppref</c> everywhere: a newer click superseded it and is not stored.</summary>
    public void DeleteOlderOppref(OaiqTrackingContext context)
    {
        var count = DeleteEverywhere(context.HttpContext, Cookies.Oppref, out _);
        Log.OlderOpprefDeleted(_logger, "deleted it, since the newer click is not stored", count);
    }

    /// <summary>
    /// On the request that sees a withdrawal, deletes <c>__oppref</c> and <c>__obref</c> host-only and on every domain
    /// they may have been written on. Nothing when the response has already started (the next request sees it again).
    /// </summary>
    public void ClearAfterWithdrawal(OaiqTrackingContext context)
    {
        if (context.HttpContext.Response.HasStarted)
        {
            return;
        }

        var count = DeleteEverywhere(context.HttpContext, Cookies.Oppref, out var domains);
        count += DeleteEverywhere(context.HttpContext, Cookies.Obref, out _);
        if (context.HadOpprefCookie)
        {
            Log.OpprefCookieDeleted(_logger);
        }

        Log.ConsentWithdrawn(_logger, count, domains);
    }

    private int DeleteEverywhere(HttpContext httpContext, string name, out int domainCount)
    {
        var response = httpContext.Response;
        var secure = httpContext.Request.IsHttps;
        var domains = CookieDomains.ParentDomains(CookieDomains.CanonicalHost(httpContext.Request.Host), ConfiguredDomain);
        Cookies.Delete(response, name, null, secure);
        foreach (var domain in domains)
        {
            Cookies.Delete(response, name, domain, secure);
        }

        domainCount = domains.Count;
        return domains.Count + 1;
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

        Log.CookieDomainMismatch(_logger, domain, host, MaxWarnedHosts);
    }
}
