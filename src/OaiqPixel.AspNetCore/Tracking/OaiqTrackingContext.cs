using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.ServerViews;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// The request's tracking facts (<see cref="IOaiqTrackingFeature"/>): what <see cref="LandingRequest"/> read from the
/// request, consent, the pixels, source URL and nonce — read-only once built, values derived from the request computed on
/// first use. What the page records and renders has its own owner, <see cref="Events"/>.
/// </summary>
internal sealed class OaiqTrackingContext(HttpContext httpContext, OaiqConsent consent, LandingRequest landing, Func<HttpContext, string?>? nonceProvider, OaiqServerViewOptions serverViews, IOaiqBrowserLegGate? gate = null)
    : IOaiqTrackingFeature
{
    // Marks a value worked out on first use that is not worked out yet (null is one of its answers).
    private static readonly string NotYet = new('?', 1);

    private string? _pageViewEventId;
    private string? _sourceUrl = NotYet;
    private string? _nonce = NotYet;
    private UserData? _requestUser;
    private string? _serverViewSkipReason = NotYet;

    public HttpContext HttpContext { get; } = httpContext;

    /// <summary>What the request carried: the visitor's click and browser references and our cookies.</summary>
    public LandingRequest Landing { get; } = landing;

    public bool IsActive => true;

    /// <summary>The request's Pixel IDs, in <c>init</c> order (at least one): events not aimed at one pixel go to each.</summary>
    public IReadOnlyList<string> PixelIds { get; init; } = [];

    /// <summary>Whether <paramref name="pixelId"/> is one of the request's pixels (initialized on its page, spec §1.7).</summary>
    public bool HasPixel(string pixelId) => PixelIds.Contains(pixelId, StringComparer.Ordinal);

    public string? Oppref => Landing.Oppref;

    public bool IsNewOppref => Landing.IsNewOppref;

    public string? Obref => Landing.Obref;

    public OaiqConsent Consent { get; } = consent;

    public string? SourceUrl => ReferenceEquals(_sourceUrl, NotYet) ? _sourceUrl = SourceUrls.For(HttpContext.Request) : _sourceUrl;

    public string? Nonce => ReferenceEquals(_nonce, NotYet) ? _nonce = nonceProvider?.Invoke(HttpContext) : _nonce;

    public string PageViewEventId => _pageViewEventId ??= EventIds.New();

    /// <summary>The page's browser leg: its recorded and carried events, and whether the pixel rendered (the one owner of what changes).</summary>
    public PageEvents Events { get; } = new(httpContext, gate);

    public bool IsPixelRendered => Events.IsPixelRendered;

    /// <summary>
    /// Whether this request sees a withdrawal: consent is not given while the request still carries the pixel's cookies.
    /// The server deletes them and the pixel renders <c>oaiq("consent", false)</c>, once (the next request carries none).
    /// </summary>
    public bool IsWithdrawal => Consent == OaiqConsent.Denied && (Landing.HadOpprefCookie || Landing.HadObrefCookie);

    /// <summary>What the server leg gets from the request: <c>obref</c>, IP address and user agent (spec §4.6).</summary>
    public UserData RequestUser => _requestUser ??= UserData.FromRequest(Obref, HttpContext.Connection.RemoteIpAddress, HttpContext.Request.Headers.UserAgent is [var userAgent, ..] ? userAgent : null);

    /// <summary>
    /// Why no person sees this load, so view events keep to the browser (<see cref="ServerViewFilter"/>), or
    /// <see langword="null"/>. Worked out on first use: a request that records no view event pays nothing.
    /// </summary>
    public string? ServerViewSkipReason => ReferenceEquals(_serverViewSkipReason, NotYet)
        ? _serverViewSkipReason = ServerViewFilter.GetSkipReason(HttpContext.Request, serverViews)
        : _serverViewSkipReason;

    /// <summary>Whether the middleware handled this request with this context (see <see cref="MiddlewareCheck"/>).</summary>
    public bool SeenByMiddleware { get; set; }
}
