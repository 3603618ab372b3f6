using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Cookies;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// What a request carries about the visitor, read once from its query string and <c>Cookie</c> header: the OpenAI click
/// (<c>oppref</c>, spec §2.2), the pixel's browser reference (<c>__obref</c>, spec §4.6), and our carrier cookie.
/// </summary>
/// <remarks>
/// A non-empty landing <c>oppref</c> is a newer click: it supersedes the <c>__oppref</c> cookie on both legs, even when
/// it cannot be stored (then the events carry it only when the Conversions API can take it, else no <c>oppref</c> at all;
/// never the older click). An empty one is no click, as for the SDK. Without consent nothing about the visitor is kept.
/// </remarks>
internal sealed class LandingRequest
{
    private static readonly LandingRequest s_nothing = new();

    private LandingRequest()
    {
    }

    /// <summary>Whether the request had neither cookies nor a query string: nothing of the visitor's, and nothing for the middleware.</summary>
    public bool IsEmpty => ReferenceEquals(this, s_nothing);

    /// <summary>The click the request's events carry, or <see langword="null"/>.</summary>
    public string? Oppref { get; private init; }

    /// <summary>Whether <see cref="Oppref"/> came from this request's query string.</summary>
    public bool IsNewOppref { get; private init; }

    /// <summary>The usable <c>__obref</c> value, or <see langword="null"/>.</summary>
    public string? Obref { get; private init; }

    /// <summary>Whether the request arrived with an <c>__oppref</c> cookie (valid or not).</summary>
    public bool HadOpprefCookie { get; private init; }

    /// <summary>Whether the request arrived with an <c>__obref</c> cookie (valid or not).</summary>
    public bool HadObrefCookie { get; private init; }

    /// <summary>Whether the landing URL carries a non-empty <c>oppref</c>: a newer click, which supersedes the cookie.</summary>
    public bool HasNewClick { get; private init; }

    /// <summary>Whether <see cref="Oppref"/> is the newer click and can be stored verbatim in <c>__oppref</c>.</summary>
    public bool IsOpprefStorable { get; private init; }

    /// <summary>Whether the request's <c>__oppref</c> holds something other than the newer click (an older click).</summary>
    public bool SupersededCookie { get; private init; }

    /// <summary>The carrier cookie's raw value, when the request has one (valid or not).</summary>
    public string? CarrierCookie { get; private init; }

    /// <summary>Reads the request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="consent">The visitor's consent: without it the click and browser references are dropped.</param>
    /// <param name="logger">Where a refused landing <c>oppref</c> is reported (never its value).</param>
    public static LandingRequest Read(HttpRequest request, OaiqConsent consent, ILogger logger)
    {
        var cookies = request.Headers.Cookie;
        if (cookies.Count == 0 && !request.QueryString.HasValue)
        {
            // Most requests of a site: no click, no cookie of ours, whatever the consent.
            return s_nothing;
        }

        string? cookieOppref = null;
        string? obref = null;
        string? carrier = null;
        bool hadOppref = false, hadObref = false;
        if (cookies.Count > 0)
        {
            if (RawCookies.TryGet(cookies, RawCookies.Oppref, out var raw))
            {
                hadOppref = true;
                cookieOppref = RawCookies.CheckOppref(raw) is null ? raw : null;
            }

            if (RawCookies.TryGet(cookies, RawCookies.Obref, out var rawObref))
            {
                hadObref = true;
                obref = rawObref is { Length: > 0 and <= RawCookies.MaxOpprefLength } && RawCookies.IsCookieValue(rawObref) ? rawObref : null;
            }

            if (RawCookies.TryGet(cookies, RawCookies.Carrier, out var rawCarrier))
            {
                carrier = rawCarrier ?? string.Empty;
            }
        }

        string? oppref;
        bool isNew = false, storable = false, newClick = false, superseded = false;
        if (request.QueryString.HasValue && request.Query.TryGetValue("oppref", out var query) && query.Count > 0 && query[0] is { Length: > 0 } candidate)
        {
            newClick = true;
            oppref = null;
            if (RawCookies.CheckOppref(candidate) is { } reason)
            {
                var usable = ConversionEvent.IsValidOppref(candidate);
                Log.OpprefRefused(logger, reason, usable);
                if (usable)
                {
                    oppref = candidate;
                    isNew = true;
                }
            }
            else
            {
                oppref = candidate;
                isNew = true;
                storable = true;
            }

            superseded = hadOppref && !string.Equals(cookieOppref, candidate, StringComparison.Ordinal);
        }
        else
        {
            oppref = cookieOppref;
        }

        var granted = consent != OaiqConsent.Denied;
        return new LandingRequest
        {
            Oppref = granted ? oppref : null,
            IsNewOppref = granted && isNew,
            Obref = granted ? obref : null,
            HadOpprefCookie = hadOppref,
            HadObrefCookie = hadObref,
            HasNewClick = granted && newClick,
            IsOpprefStorable = granted && storable,
            SupersededCookie = granted && superseded,
            CarrierCookie = carrier,
        };
    }
}
