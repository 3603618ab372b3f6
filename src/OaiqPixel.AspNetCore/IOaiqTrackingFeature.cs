using System.Net;

namespace OaiqPixel.AspNetCore;

/// <summary>
/// The request's tracking context, built by <c>app.UseOaiqTracking()</c> (or on first use) and read by the tag helpers and
/// the tracker. Get it with <c>HttpContext.Features.Get&lt;IOaiqTrackingFeature&gt;()</c> or inject it (scoped).
/// </summary>
/// <remarks>It carries the visitor's <c>oppref</c>/<c>obref</c>; do not log them.</remarks>
public interface IOaiqTrackingFeature
{
    /// <summary>Whether tracking runs for this request (enabled, configured, and not opted out by the endpoint).</summary>
    bool IsActive { get; }

    /// <summary>
    /// The OpenAI click reference this request's events carry, byte-for-byte. A non-empty <c>oppref</c> in the landing URL
    /// is a newer click and supersedes the <c>__oppref</c> cookie: its decoded value when the Conversions API can take it
    /// (non-empty, no white space or control characters, valid UTF-16), even if it cannot be stored in the cookie (over
    /// 2,048 characters, or characters outside RFC 6265 cookie-octets); otherwise <see langword="null"/>, never the older
    /// click. Without one (or with an empty <c>?oppref=</c>), the cookie's value. <see langword="null"/> without consent.
    /// </summary>
    string? Oppref { get; }

    /// <summary>Whether <see cref="Oppref"/> is the landing URL's (a newer click) rather than the cookie's.</summary>
    bool IsNewOppref { get; }

    /// <summary>The pixel's browser reference from the <c>__obref</c> cookie (read only; never minted).</summary>
    string? Obref { get; }

    /// <summary>The visitor's measurement consent for this request.</summary>
    OaiqConsent Consent { get; }

    /// <summary>The page as <c>source_url</c>: scheme, host and path, without query or fragment.</summary>
    string? SourceUrl { get; }

    /// <summary>The client's IP address (<c>Connection.RemoteIpAddress</c>, so <c>UseForwardedHeaders</c> decides proxies).</summary>
    IPAddress? RemoteIpAddress { get; }

    /// <summary>The client's <c>User-Agent</c>.</summary>
    string? UserAgent { get; }

    /// <summary>The Content-Security-Policy nonce from <see cref="OaiqTrackingOptions.NonceProvider"/>, if any.</summary>
    string? Nonce { get; }

    /// <summary>The events waiting for the pixel, in order: carried from a redirecting request first, then those recorded in this one.</summary>
    IReadOnlyList<ConversionEvent> Events { get; }

    /// <summary>The event id of this page's <c>page_viewed</c>, created on first read and shared with the Conversions API copy.</summary>
    string PageViewEventId { get; }

    /// <summary>Whether <c>&lt;oaiq-pixel /&gt;</c> has rendered the pixel in this response.</summary>
    bool IsPixelRendered { get; }
}
