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

    /// <summary>The OpenAI click reference: the landing URL's <c>oppref</c>, else the <c>__oppref</c> cookie, byte-for-byte.</summary>
    string? Oppref { get; }

    /// <summary>Whether <see cref="Oppref"/> arrived in this request's query string.</summary>
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
