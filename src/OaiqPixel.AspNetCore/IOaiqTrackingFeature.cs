namespace OaiqPixel.AspNetCore;

/// <summary>
/// The request's tracking state, built by <c>app.UseOaiqTracking()</c> (or on first use): who the visitor is to OpenAI
/// Ads and what this page measures. Get it with <c>HttpContext.Features.Get&lt;IOaiqTrackingFeature&gt;()</c> or inject
/// it (scoped), for example to keep a visitor's <see cref="Oppref"/> with an order and send a later renewal server-side.
/// </summary>
/// <remarks>It carries the visitor's <c>oppref</c> and <c>obref</c>: store them with care and never log them.</remarks>
public interface IOaiqTrackingFeature
{
    /// <summary>Whether tracking runs for this request (enabled, configured, and not opted out by the endpoint).</summary>
    bool IsActive { get; }

    /// <summary>
    /// The OpenAI click reference the request's events carry (spec §2.2): the landing URL's non-empty <c>oppref</c> (a
    /// newer click always supersedes the cookie), else the <c>__oppref</c> cookie, byte-for-byte; <see langword="null"/>
    /// without consent or when the newer click cannot be sent.
    /// </summary>
    string? Oppref { get; }

    /// <summary>Whether <see cref="Oppref"/> arrived in this request's query string.</summary>
    bool IsNewOppref { get; }

    /// <summary>The pixel's browser reference from the <c>__obref</c> cookie (spec §4.6; read only, never minted); <see langword="null"/> without consent.</summary>
    string? Obref { get; }

    /// <summary>The visitor's measurement consent for this request.</summary>
    OaiqConsent Consent { get; }

    /// <summary>The page as <c>source_url</c>: scheme, host and path, without query or fragment (spec §9 #18).</summary>
    string? SourceUrl { get; }

    /// <summary>The Content-Security-Policy nonce from <see cref="OaiqTrackingOptions.NonceProvider"/>, if any.</summary>
    string? Nonce { get; }

    /// <summary>The event id of this page's <c>page_viewed</c>, created on first read and shared with its Conversions API copy.</summary>
    string PageViewEventId { get; }

    /// <summary>Whether the pixel has been rendered in this response.</summary>
    bool IsPixelRendered { get; }
}
