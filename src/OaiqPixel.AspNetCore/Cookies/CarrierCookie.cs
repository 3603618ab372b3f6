using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Cookies;

/// <summary>
/// The Post/Redirect/Get step of the browser leg: events recorded in a response that renders no pixel (a redirect, a JSON
/// answer) travel in the <c>__oaiq_carry</c> cookie (<see cref="PixelCarrier"/>) to the next page with the pixel, which
/// renders them once. It reads the cookie when a request's context is built, and writes or clears it as the response
/// starts.
/// </summary>
internal sealed class CarrierCookie
{
    private readonly ILogger _logger;
    private readonly IOaiqBrowserLegGate? _gate;
    private readonly OaiqBrowserLeg _browserLeg;

    public CarrierCookie(IDataProtectionProvider dataProtection, TimeProvider timeProvider, IOptions<OaiqTrackingOptions> options, ILogger<CarrierCookie> logger, IOaiqBrowserLegGate? gate = null)
    {
        Carrier = new PixelCarrier(dataProtection, timeProvider);
        _browserLeg = options.Value.BrowserLeg;
        _logger = logger;
        _gate = gate;
    }

    /// <summary>The cookie's protection, expiry and replay memory.</summary>
    public PixelCarrier Carrier { get; }

    /// <summary>Picks up the request's carrier: its pixel calls wait in the context for the pixel to claim them.</summary>
    public void Read(OaiqTrackingContext context)
    {
        if (context.Landing.CarrierCookie is not { } value)
        {
            return;
        }

        Hook(context);
        if (context.Consent == OaiqConsent.Denied || value.Length == 0)
        {
            return;
        }

        var calls = Carrier.Unprotect(value, out var why);
        if (calls is not null && Carrier.IsConsumed(value))
        {
            (calls, why) = (null, "it was already used on an earlier page (a replay)");
        }

        if (calls is null)
        {
            Log.CarrierRejected(_logger, why!);
        }
        else if (calls.Count > 0)
        {
            context.Carried = calls;
            context.CarrierToClaim = value;
        }
    }

    /// <summary>
    /// Claims the carried calls for this page: <see langword="true"/> when they may render here, <see langword="false"/>
    /// when another request rendered the same carrier first (concurrent replays render it once).
    /// </summary>
    public bool Claim(OaiqTrackingContext context)
    {
        if (context.CarrierToClaim is not { } value)
        {
            return true;
        }

        context.CarrierToClaim = null;
        if (Carrier.TryConsume(value))
        {
            return true;
        }

        Log.CarrierRejected(_logger, "it was already used on an earlier page (a replay)");
        return false;
    }

    /// <summary>Makes sure <see cref="OnResponseStarting"/> runs for the request (once).</summary>
    public void Hook(OaiqTrackingContext context)
    {
        var response = context.HttpContext.Response;
        if (context.ResponseHooked || response.HasStarted)
        {
            return;
        }

        context.ResponseHooked = true;
        response.OnStarting(static state =>
        {
            var (carrier, tracking) = ((CarrierCookie, OaiqTrackingContext))state;
            carrier.OnResponseStarting(tracking);
            return Task.CompletedTask;
        }, (this, context));
    }

    /// <summary>As the response starts: carries what the page did not render to the next page, or clears a consumed carrier.</summary>
    public void OnResponseStarting(OaiqTrackingContext context)
    {
        try
        {
            var response = context.HttpContext.Response;
            var secure = context.HttpContext.Request.IsHttps;
            var hadCarrier = context.Landing.CarrierCookie is not null;
            if (context.Consent == OaiqConsent.Denied)
            {
                if (hadCarrier)
                {
                    RawCookies.Delete(response, RawCookies.Carrier, null, secure);
                }

                return;
            }

            var pending = new List<ReadOnlyMemory<byte>>();
            if (!context.CarriedRendered)
            {
                pending.AddRange(context.Carried);
            }

            AddRecorded(context, pending);

            if (pending.Count == 0)
            {
                if (hadCarrier && context.IsPixelRendered)
                {
                    RawCookies.Delete(response, RawCookies.Carrier, null, secure);
                }

                return;
            }

            if (!context.IsPixelRendered && !context.RecordedAny)
            {
                // Only the carried calls are pending and nothing rendered (an asset, a second redirect): leave the cookie.
                return;
            }

            var value = Carrier.Protect(pending, out var size);
            if (value is null)
            {
                Log.CarrierOversized(_logger, pending.Count, size, PixelCarrier.MaxCookieLength);
                if (hadCarrier)
                {
                    RawCookies.Delete(response, RawCookies.Carrier, null, secure);
                }

                return;
            }

            RawCookies.Append(response, RawCookies.Carrier, value, (long)PixelCarrier.Lifetime.TotalSeconds, null, secure, httpOnly: true);
            Log.CarrierWritten(_logger, pending.Count, size);
        }
        catch (Exception ex)
        {
            Log.CarrierFailed(_logger, ex);
        }
    }

    /// <summary>Adds the recorded events the page did not render and the gate (when there is one) lets render now.</summary>
    private void AddRecorded(OaiqTrackingContext context, List<ReadOnlyMemory<byte>> pending)
    {
        if (!context.HasRecordedToRender)
        {
            return;
        }

        _gate?.Settle(context.HttpContext);
        var dataLayer = new DataLayerWriter();
        foreach (var entry in context.Recorded)
        {
            if (entry.Done)
            {
                continue;
            }

            var state = _gate?.GetState(context.HttpContext, entry.Event) ?? OaiqBrowserLegState.Render;
            switch (state)
            {
                case OaiqBrowserLegState.Render:
                    foreach (var call in PixelScriptWriter.EventCalls(entry.Event, _browserLeg, dataLayer))
                    {
                        pending.Add(call);
                    }

                    break;
                case OaiqBrowserLegState.Hold:
                    // Its transaction is still open as the response starts: no later page of this visitor can learn how
                    // it ends, so its browser leg is given up (the server leg reports it once it commits).
                    Log.CarrierHeldEventSkipped(_logger, entry.Event.Event.Name, entry.Event.Id);
                    break;
            }

            entry.Done = true;
        }
    }
}
