namespace OaiqPixel.AspNetCore;

/// <summary>Settings of the first-party <c>__oppref</c> cookie the middleware writes when a visitor lands with <c>?oppref=</c>.</summary>
/// <remarks>
/// The cookie is written by the server so it outlives browsers' caps on script-set cookies (7 days in Safari). Its value is
/// the landing <c>oppref</c> byte-for-byte; it is <c>Path=/</c>, <c>SameSite=Lax</c>, <c>Secure</c> on https and not
/// HttpOnly, because the pixel SDK reads it.
/// </remarks>
public sealed class OaiqCookieOptions
{
    /// <summary>The default <see cref="MaxAge"/>: 30 days, as the pixel SDK uses.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromDays(30);

    /// <summary>Whether the middleware writes the cookie. The default is <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the cookie lives, written as <c>max-age</c> in whole seconds; at most 400 days. The default is 30 days.</summary>
    public TimeSpan MaxAge { get; set; } = DefaultMaxAge;

    /// <summary>
    /// The cookie's <c>domain</c>, e.g. <c>example.com</c> to share it across subdomains; a leading dot is accepted and
    /// dropped, IDN names are written in punycode. The default is none: a host-only cookie for the host that served the
    /// landing page.
    /// </summary>
    /// <remarks>
    /// A Domain no browser accepts stops the start-up (options validation) with the fix: a single label (<c>com</c>,
    /// <c>localhost</c>), an IP address, or a public suffix of the Public Suffix List (<c>co.uk</c>, <c>github.io</c>;
    /// RFC 6265 §5.3 step 5). On a request whose host does not domain-match it (RFC 6265 §5.1.3; e.g. the site served
    /// from <c>localhost</c>), the cookie is written host-only instead and a warning is logged once per host.
    /// </remarks>
    public string? Domain { get; set; }
}
