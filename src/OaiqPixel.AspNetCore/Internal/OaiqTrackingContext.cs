using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace OaiqPixel.AspNetCore.Internal;

/// <summary>The request's tracking context (<see cref="IOaiqTrackingFeature"/>); everything costly is computed on first use.</summary>
internal sealed class OaiqTrackingContext : IOaiqTrackingFeature
{
    private readonly OaiqTrackingRuntime _runtime;
    private List<ConversionEvent>? _events;
    private int _renderedCount;
    private bool _onStartingRegistered;
    private string? _pageViewEventId;
    private string? _sourceUrl;
    private bool _sourceUrlDone;
    private string? _nonce;
    private bool _nonceDone;
    private UserData? _requestUser;
    private string? _carrierCookie;

    public OaiqTrackingContext(HttpContext httpContext, OaiqTrackingRuntime runtime, OaiqConsent consent)
    {
        HttpContext = httpContext;
        _runtime = runtime;
        Consent = consent;

        var request = httpContext.Request;
        var cookies = request.Headers.Cookie;
        string? cookieOppref = null;
        if (cookies.Count > 0)
        {
            if (Cookies.TryGet(cookies, Cookies.Oppref, out var raw))
            {
                HadOpprefCookie = true;
                cookieOppref = Cookies.CheckOppref(raw) is null ? raw : null;
            }

            if (Cookies.TryGet(cookies, Cookies.Obref, out var obref))
            {
                HadObrefCookie = true;
                if (obref is { Length: > 0 and <= Cookies.MaxOpprefLength } && Cookies.IsCookieValue(obref))
                {
                    Obref = obref;
                }
            }
        }

        if (request.QueryString.HasValue && request.Query.TryGetValue("oppref", out var query) && query.Count > 0 && query[0] is { Length: > 0 } candidate)
        {
            // A non-empty landing oppref is a newer click: it supersedes the cookie on both legs, even when it cannot be
            // stored or sent (then the request carries no oppref rather than the older click's). An empty one is no click,
            // as for the SDK, which resets only on a new non-empty oppref.
            HasNewClick = true;
            if (Cookies.CheckOppref(candidate) is { } reason)
            {
                var usable = ConversionEvent.IsValidOppref(candidate);
                Log.OpprefRefused(runtime.Logger, reason, usable);
                if (usable)
                {
                    Oppref = candidate;
                    IsNewOppref = true;
                }
            }
            else
            {
                Oppref = candidate;
                IsNewOppref = true;
                IsOpprefStorable = true;
            }

            SupersededCookie = HadOpprefCookie && !string.Equals(cookieOppref, candidate, StringComparison.Ordinal);
        }
        else
        {
            Oppref = cookieOppref;
        }

        if (cookies.Count > 0 && Cookies.TryGet(cookies, Cookies.Carrier, out var carrier))
        {
            HadCarrierCookie = true;
            EnsureOnStarting();
            if (consent != OaiqConsent.Denied && carrier is { Length: > 0 })
            {
                var carried = runtime.Carrier.Unprotect(carrier, out var why);
                if (carried is not null && runtime.Carrier.IsConsumed(carrier))
                {
                    (carried, why) = (null, "it was already used on an earlier page (a replay)");
                }

                if (carried is null)
                {
                    Log.CarrierRejected(runtime.Logger, why!);
                }
                else if (carried.Count > 0)
                {
                    _events = [.. carried];
                    CarriedCount = carried.Count;
                    _carrierCookie = carrier;
                }
            }
        }

        if (consent == OaiqConsent.Denied)
        {
            // Nothing about the visitor is kept when consent is missing.
            Oppref = null;
            IsNewOppref = false;
            IsOpprefStorable = false;
            HasNewClick = false;
            SupersededCookie = false;
            Obref = null;
        }
    }

    public HttpContext HttpContext { get; }

    public bool IsActive => true;

    public string? Oppref { get; }

    public bool IsNewOppref { get; }

    public string? Obref { get; }

    public OaiqConsent Consent { get; }

    public string? SourceUrl
    {
        get
        {
            if (!_sourceUrlDone)
            {
                _sourceUrl = BuildSourceUrl(HttpContext.Request);
                _sourceUrlDone = true;
            }

            return _sourceUrl;
        }
    }

    public IPAddress? RemoteIpAddress => HttpContext.Connection.RemoteIpAddress;

    public string? UserAgent
    {
        get
        {
            var value = HttpContext.Request.Headers.UserAgent;
            return value.Count > 0 && !string.IsNullOrWhiteSpace(value[0]) ? value[0] : null;
        }
    }

    public string? Nonce
    {
        get
        {
            if (!_nonceDone)
            {
                _nonce = _runtime.Options.NonceProvider?.Invoke(HttpContext);
                _nonceDone = true;
            }

            return _nonce;
        }
    }

    public IReadOnlyList<ConversionEvent> Events => _events ?? (IReadOnlyList<ConversionEvent>)[];

    public string PageViewEventId => _pageViewEventId ??= EventIds.New();

    public bool IsPixelRendered { get; private set; }

    /// <summary>Whether the request arrived with an <c>__oppref</c> cookie (valid or not).</summary>
    public bool HadOpprefCookie { get; }

    /// <summary>Whether the request arrived with an <c>__obref</c> cookie (valid or not).</summary>
    public bool HadObrefCookie { get; }

    /// <summary>Whether the landing URL carries a non-empty <c>oppref</c>: a newer click, which supersedes the cookie.</summary>
    public bool HasNewClick { get; }

    /// <summary>Whether <see cref="Oppref"/> is the newer click and can be stored verbatim in <c>__oppref</c>.</summary>
    public bool IsOpprefStorable { get; }

    /// <summary>Whether the request's <c>__oppref</c> holds something other than the newer click (an older click).</summary>
    public bool SupersededCookie { get; }

    /// <summary>
    /// Whether this request sees a withdrawal: consent is not given while the request still carries the pixel's cookies.
    /// The server deletes them and the pixel renders <c>oaiq("consent", false)</c>, once (the next request carries none).
    /// </summary>
    public bool IsWithdrawal => Consent == OaiqConsent.Denied && (HadOpprefCookie || HadObrefCookie);

    /// <summary>Whether the request arrived with a carrier cookie (valid or not).</summary>
    public bool HadCarrierCookie { get; }

    /// <summary>How many of <see cref="Events"/> came from the carrier.</summary>
    public int CarriedCount { get; }

    /// <summary>Whether an event was recorded in this request (not only carried).</summary>
    public bool RecordedAny => Events.Count > CarriedCount;

    /// <summary>What the server leg gets from the request: <c>obref</c>, IP address and user agent.</summary>
    public UserData RequestUser => _requestUser ??= BuildRequestUser();

    /// <summary>The browser leg's per-process state.</summary>
    public OaiqTrackingRuntime Runtime => _runtime;

    /// <summary>Whether the middleware handled this request with this context (see <see cref="OaiqTrackingRuntime.WarnIfMiddlewareMissed"/>).</summary>
    public bool SeenByMiddleware { get; set; }

    /// <summary>Whether the request carries what the middleware acts on, so it should have built this context.</summary>
    public bool NeedsMiddleware { get; set; }

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
                _serverViewSkipReason = ServerViewFilter.GetSkipReason(HttpContext.Request, _runtime.ServerViews);
                _serverViewChecked = true;
            }

            return _serverViewSkipReason;
        }
    }

    private string? _serverViewSkipReason;
    private bool _serverViewChecked;

    public void Record(ConversionEvent conversionEvent)
    {
        (_events ??= []).Add(conversionEvent);
        EnsureOnStarting();
    }

    /// <summary>
    /// Claims the carried events for this page: <see langword="true"/> when they may render here, <see langword="false"/>
    /// when another request rendered the same carrier first (concurrent replays render it once).
    /// </summary>
    public bool ClaimCarriedEvents()
    {
        if (_carrierCookie is null)
        {
            return true;
        }

        var claimed = _runtime.Carrier.TryConsume(_carrierCookie);
        _carrierCookie = null;
        if (!claimed)
        {
            Log.CarrierRejected(_runtime.Logger, "it was already used on an earlier page (a replay)");
        }

        return claimed;
    }

    /// <summary>Marks everything recorded so far as rendered by the pixel.</summary>
    public void MarkPixelRendered()
    {
        IsPixelRendered = true;
        _renderedCount = Events.Count;
    }

    /// <summary>Pixel events not rendered on this page (recorded after the pixel, or in a response without one).</summary>
    public List<ConversionEvent> GetUnrenderedPixelEvents()
    {
        var pending = new List<ConversionEvent>();
        var events = Events;
        for (var i = _renderedCount; i < events.Count; i++)
        {
            if (events[i].Event.IsPixelEvent)
            {
                pending.Add(events[i]);
            }
        }

        return pending;
    }

    private void EnsureOnStarting()
    {
        if (_onStartingRegistered || HttpContext.Response.HasStarted)
        {
            return;
        }

        _onStartingRegistered = true;
        HttpContext.Response.OnStarting(static state =>
        {
            var context = (OaiqTrackingContext)state;
            context._runtime.CompleteResponse(context);
            return Task.CompletedTask;
        }, this);
    }

    private UserData BuildRequestUser()
    {
        // One allocation rather than one copy per field; an unusable User-Agent is left out.
        return UserData.FromRequest(Obref, RemoteIpAddress, UserAgent);
    }

    private static string? BuildSourceUrl(HttpRequest request)
    {
        if (!request.Host.HasValue)
        {
            return null;
        }

        var url = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path);
        return ConversionEvent.IsValidSourceUrl(url) ? url : null;
    }
}
