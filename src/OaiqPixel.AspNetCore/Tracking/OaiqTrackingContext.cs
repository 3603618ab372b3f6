using System.Net;
using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.ServerViews;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// The request's tracking state (<see cref="IOaiqTrackingFeature"/>): what <see cref="LandingRequest"/> read from the
/// request, what was recorded for the browser leg, and what the pixel already rendered. State only: the steps that act on
/// it (cookies, recording, rendering, carrying) each have their own owner. Values derived from the request are computed
/// on first use.
/// </summary>
internal sealed class OaiqTrackingContext : IOaiqTrackingFeature
{
    private readonly Func<HttpContext, string?>? _nonceProvider;
    private readonly OaiqServerViewOptions _serverViews;
    private List<RecordedEvent>? _recorded;
    private string? _pageViewEventId;
    private string? _sourceUrl;
    private bool _sourceUrlDone;
    private string? _nonce;
    private bool _nonceDone;
    private UserData? _requestUser;
    private string? _serverViewSkipReason;
    private bool _serverViewChecked;

    public OaiqTrackingContext(HttpContext httpContext, OaiqConsent consent, LandingRequest landing, Func<HttpContext, string?>? nonceProvider, OaiqServerViewOptions serverViews)
    {
        HttpContext = httpContext;
        Consent = consent;
        Landing = landing;
        _nonceProvider = nonceProvider;
        _serverViews = serverViews;
    }

    public HttpContext HttpContext { get; }

    /// <summary>What the request carried: the visitor's click and browser references and our cookies.</summary>
    public LandingRequest Landing { get; }

    public bool IsActive => true;

    /// <summary>The request's Pixel IDs, in <c>init</c> order (at least one): events not aimed at one pixel go to each.</summary>
    public IReadOnlyList<string> PixelIds { get; init; } = [];

    /// <summary>Whether <paramref name="pixelId"/> is one of the request's pixels (initialized on its page, spec §1.7).</summary>
    public bool HasPixel(string pixelId)
    {
        foreach (var id in PixelIds)
        {
            if (string.Equals(id, pixelId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public string? Oppref => Landing.Oppref;

    public bool IsNewOppref => Landing.IsNewOppref;

    public string? Obref => Landing.Obref;

    public OaiqConsent Consent { get; }

    public string? SourceUrl
    {
        get
        {
            if (!_sourceUrlDone)
            {
                _sourceUrl = SourceUrls.For(HttpContext.Request);
                _sourceUrlDone = true;
            }

            return _sourceUrl;
        }
    }

    public string? Nonce
    {
        get
        {
            if (!_nonceDone)
            {
                _nonce = _nonceProvider?.Invoke(HttpContext);
                _nonceDone = true;
            }

            return _nonce;
        }
    }

    public string PageViewEventId => _pageViewEventId ??= EventIds.New();

    public bool IsPixelRendered { get; private set; }

    /// <summary>
    /// Whether this request sees a withdrawal: consent is not given while the request still carries the pixel's cookies.
    /// The server deletes them and the pixel renders <c>oaiq("consent", false)</c>, once (the next request carries none).
    /// </summary>
    public bool IsWithdrawal => Consent == OaiqConsent.Denied && (Landing.HadOpprefCookie || Landing.HadObrefCookie);

    /// <summary>What the server leg gets from the request: <c>obref</c>, IP address and user agent (spec §4.6).</summary>
    public UserData RequestUser => _requestUser ??= UserData.FromRequest(Obref, RemoteIpAddress, UserAgent);

    /// <summary>
    /// Why no person sees this load, so view events keep to the browser (<see cref="ServerViewFilter"/>), or
    /// <see langword="null"/>. Worked out on first use: a request that records no view event pays nothing.
    /// </summary>
    public string? ServerViewSkipReason
    {
        get
        {
            if (!_serverViewChecked)
            {
                _serverViewSkipReason = ServerViewFilter.GetSkipReason(HttpContext.Request, _serverViews);
                _serverViewChecked = true;
            }

            return _serverViewSkipReason;
        }
    }

    /// <summary>The browser leg carried in from a redirecting request (pixel call arguments), claimed once; empty when none.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Carried { get; set; } = [];

    /// <summary>The carrier cookie <see cref="Carried"/> came from, until the pixel claims it (a replay renders nothing).</summary>
    public string? CarrierToClaim { get; set; }

    /// <summary>Whether the carried events were rendered on this page.</summary>
    public bool CarriedRendered { get; private set; }

    /// <summary>Whether an event was recorded for the browser leg in this request (not only carried).</summary>
    public bool RecordedAny => _recorded is { Count: > 0 };

    /// <summary>Whether the response-start step (<see cref="Cookies.CarrierCookie"/>) is registered for this request.</summary>
    public bool ResponseHooked { get; set; }

    /// <summary>Whether the middleware handled this request with this context (see <see cref="MiddlewareCheck"/>).</summary>
    public bool SeenByMiddleware { get; set; }

    /// <summary>Whether the request carries what the middleware acts on, so it should have built this context.</summary>
    public bool NeedsMiddleware { get; set; }

    /// <summary>
    /// Called when an event is recorded after the pixel rendered, so a pixel that can still change the page (the Blazor
    /// <c>&lt;OaiqPixel /&gt;</c>, before the response completes) takes it; <see langword="null"/> otherwise.
    /// </summary>
    public Action? RecordedAfterPixel { get; set; }

    /// <summary>Adds a pixel event for the browser leg.</summary>
    public void AddRecorded(ConversionEvent conversionEvent)
    {
        (_recorded ??= []).Add(new RecordedEvent(conversionEvent));
        if (IsPixelRendered)
        {
            RecordedAfterPixel?.Invoke();
        }
    }

    /// <summary>
    /// The pixel events recorded in this request, in order, each with whether its browser leg is done (rendered, or
    /// dropped by an <see cref="IOaiqBrowserLegGate"/>). Those not done are rendered by the pixel, or carried to the next page.
    /// </summary>
    public IReadOnlyList<RecordedEvent> Recorded => _recorded ?? (IReadOnlyList<RecordedEvent>)[];

    /// <summary>Whether a recorded event's browser leg is not done yet (to render, or to carry to the next page).</summary>
    public bool HasRecordedToRender
    {
        get
        {
            if (_recorded is null)
            {
                return false;
            }

            foreach (var entry in _recorded)
            {
                if (!entry.Done)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Marks the pixel rendered on this page, and the carried events with it when <paramref name="carried"/>.</summary>
    public void MarkPixelRendered(bool carried)
    {
        IsPixelRendered = true;
        CarriedRendered |= carried;
    }

    private IPAddress? RemoteIpAddress => HttpContext.Connection.RemoteIpAddress;

    private string? UserAgent
    {
        get
        {
            var value = HttpContext.Request.Headers.UserAgent;
            return value.Count > 0 && !string.IsNullOrWhiteSpace(value[0]) ? value[0] : null;
        }
    }
}
