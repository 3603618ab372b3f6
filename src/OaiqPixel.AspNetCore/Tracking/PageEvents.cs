using Microsoft.AspNetCore.Http;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// The one owner of a page's browser leg: the events recorded in the request, the calls carried in from a redirecting
/// request, and whether the pixel rendered. Its walk (<see cref="Take"/>) is the one place that decides, with the
/// <see cref="IOaiqBrowserLegGate"/> when a store registers one, what renders now, what is carried to the next page and
/// what is dropped; it raises <see cref="RecordedAfterRender"/> for an event recorded once the pixel has rendered (the
/// Blazor <c>&lt;OaiqPixel /&gt;</c> subscribes). Used on the request's own flow, never concurrently.
/// </summary>
internal sealed class PageEvents(HttpContext httpContext, IOaiqBrowserLegGate? gate)
{
    // An entry becomes null once rendered, carried to the next page or dropped by the gate: it is not taken again.
    private List<ConversionEvent?>? _recorded;
    private string? _carrierToClaim;

    /// <summary>Raised when an event is recorded after the pixel rendered, so a pixel that can still change the page takes it.</summary>
    public event Action? RecordedAfterRender;

    /// <summary>
    /// Whether a Blazor <c>&lt;OaiqPixel /&gt;</c> rendered data on this page and takes what is recorded after it
    /// (<see cref="RecordedAfterRender"/>): its module reads every data element of the page, so an
    /// <c>&lt;OaiqEvent /&gt;</c> rendered after it renders its own event's calls where it stands.
    /// </summary>
    public bool PixelTakesLateEvents => RecordedAfterRender is not null;

    /// <summary>Set while an <c>&lt;OaiqEvent /&gt;</c> records an event it renders itself: the pixel is not told of it.</summary>
    public bool RecordingInPlace { get; set; }

    /// <summary>Whether the pixel rendered on this page (once per page).</summary>
    public bool IsPixelRendered { get; private set; }

    /// <summary>Whether an event was recorded for the browser leg in this request (not only carried).</summary>
    public bool RecordedAny => _recorded is { Count: > 0 };

    /// <summary>The pixel calls carried in from a redirecting request, until the pixel renders them; empty when none.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Carried { get; private set; } = [];

    /// <summary>Whether the carrier cookie was read for this request (<see cref="Cookies.CarrierCookie"/>).</summary>
    public bool CarrierRead { get; set; }

    /// <summary>Whether the response-start step (<see cref="Cookies.CarrierCookie"/>) is registered for this request.</summary>
    public bool ResponseHooked { get; set; }

    /// <summary>Whether a <c>&lt;OaiqPixel /&gt;</c> of this page already hands the visitor context to its circuit (<see cref="Components.CircuitVisitor"/>).</summary>
    public bool VisitorPersisted { get; set; }

    /// <summary>Adds a pixel event recorded in this request.</summary>
    public void Add(ConversionEvent conversionEvent)
    {
        (_recorded ??= []).Add(conversionEvent);
        if (IsPixelRendered && !RecordingInPlace)
        {
            RecordedAfterRender?.Invoke();
        }
    }

    /// <summary>Keeps the calls a carrier cookie brought in, and the cookie, which the pixel consumes once (<see cref="TakeCarrierToClaim"/>).</summary>
    public void CarryIn(IReadOnlyList<ReadOnlyMemory<byte>> calls, string cookie)
    {
        Carried = calls;
        _carrierToClaim = cookie;
    }

    /// <summary>The carrier cookie to consume before its calls render, once; <see langword="null"/> when none waits.</summary>
    public string? TakeCarrierToClaim()
    {
        var cookie = _carrierToClaim;
        _carrierToClaim = null;
        return cookie;
    }

    /// <summary>
    /// Hands <paramref name="take"/> each recorded event that is to render now (<paramref name="carrying"/> false: the
    /// pixel renders) or to go to the next page (<paramref name="carrying"/> true: the response starts without having
    /// rendered it), once. <see cref="OaiqBrowserLegState.Render"/> goes either way; <see cref="OaiqBrowserLegState.Hold"/>
    /// never renders in this response, and is carried to the next page; <see cref="OaiqBrowserLegState.Drop"/> goes
    /// nowhere.
    /// </summary>
    public void Take(bool carrying, Action<ConversionEvent> take)
    {
        if (_recorded is null)
        {
            return;
        }

        for (var i = 0; i < _recorded.Count; i++)
        {
            if (_recorded[i] is not { } recorded)
            {
                continue;
            }

            var state = gate?.GetState(httpContext, recorded) ?? OaiqBrowserLegState.Render;
            if (state == OaiqBrowserLegState.Hold && !carrying)
            {
                continue;
            }

            _recorded[i] = null;
            if (state != OaiqBrowserLegState.Drop)
            {
                take(recorded);
            }
        }
    }

    /// <summary>Marks the pixel rendered, with the carried calls: the carrier no longer takes them.</summary>
    public void MarkPixelRendered()
    {
        IsPixelRendered = true;
        Carried = [];
    }
}
