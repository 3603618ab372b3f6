using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Cookies;

/// <summary>
/// The Post/Redirect/Get step of the browser leg: events a response did not render (a redirect, a JSON answer, an event
/// the store's gate held) travel in the <c>__oaiq_carry</c> cookie (<see cref="PixelCarrier"/>) to the next page with the
/// pixel, which renders them once. It reads the cookie for the middleware (or the pixel, on a request the middleware did
/// not see), and writes or clears it as the response starts. In an app built without Data Protection
/// (<see cref="Configuration.OaiqFeatureSwitches.IsDataProtectionSupported"/>) there is no carrier: a carrier cookie is
/// ignored, and what would have been carried is dropped with a warning naming the MSBuild property (log 90).
/// </summary>
internal sealed class CarrierCookie(IDataProtectionProvider? dataProtection, TimeProvider timeProvider, IOptions<OaiqTrackingOptions> options, ILogger<CarrierCookie> logger)
{
    private readonly OaiqBrowserLeg _browserLeg = options.Value.BrowserLeg;

    /// <summary>The cookie's protection, expiry and replay memory; <see langword="null"/> without Data Protection.</summary>
    public PixelCarrier? Carrier { get; } = dataProtection is null ? null : new(dataProtection, timeProvider);

    /// <summary>Picks up the request's carrier, once: its pixel calls wait in <see cref="PageEvents"/> for the pixel to claim them.</summary>
    public void Read(OaiqTrackingContext context)
    {
        if (context.Events.CarrierRead || context.Landing.CarrierCookie is not { } value)
        {
            return;
        }

        context.Events.CarrierRead = true;
        Hook(context);
        if (context.Consent == OaiqConsent.Denied || value.Length == 0 || Carrier is null)
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
            Log.CarrierRejected(logger, why!);
        }
        else if (calls.Count > 0)
        {
            context.Events.CarryIn(calls, value);
        }
    }

    /// <summary>
    /// Claims the carried calls for this page: <see langword="true"/> when they may render here, <see langword="false"/>
    /// when another request rendered the same carrier first (concurrent replays render it once).
    /// </summary>
    public bool Claim(OaiqTrackingContext context)
    {
        // A request the middleware did not see (it is missing, or ran after the pixel) still renders what it carried.
        Read(context);
        if (context.Events.TakeCarrierToClaim() is not { } value || Carrier?.TryConsume(value) != false)
        {
            return true;
        }

        Log.CarrierRejected(logger, "it was already used on an earlier page (a replay)");
        return false;
    }

    /// <summary>Makes sure <see cref="OnResponseStarting"/> runs for the request (once).</summary>
    public void Hook(OaiqTrackingContext context)
    {
        var response = context.HttpContext.Response;
        if (context.Events.ResponseHooked || response.HasStarted)
        {
            return;
        }

        context.Events.ResponseHooked = true;
        response.OnStarting(static state =>
        {
            var (carrier, tracking) = ((CarrierCookie, OaiqTrackingContext))state;
            carrier.OnResponseStarting(tracking);
            return Task.CompletedTask;
        }, (this, context));
    }

    /// <summary>
    /// As the response starts: carries to the next page what this one did not render — the carried-in calls when no pixel
    /// rendered, and the recorded events <see cref="PageEvents.Take"/> gives for carrying — or clears a consumed carrier.
    /// </summary>
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

            var pending = new List<ReadOnlyMemory<byte>>(context.Events.Carried);
            var dataLayer = new DataLayerWriter();
            context.Events.Take(carrying: true, recorded => pending.AddRange(PixelScriptWriter.EventCalls(recorded, _browserLeg, dataLayer)));

            if (pending.Count == 0)
            {
                if (hadCarrier && context.IsPixelRendered)
                {
                    RawCookies.Delete(response, RawCookies.Carrier, null, secure);
                }

                return;
            }

            if (!context.IsPixelRendered && !context.Events.RecordedAny)
            {
                // Only the carried calls are pending and nothing rendered (an asset, a second redirect): leave the cookie.
                return;
            }

            if (Carrier is null)
            {
                CarrierLog.CarrierNotLinked(logger, pending.Count);
                return;
            }

            var value = Carrier.Protect(pending, out var size);
            if (value is null)
            {
                Log.CarrierOversized(logger, pending.Count, size, PixelCarrier.MaxCookieLength);
                if (hadCarrier)
                {
                    RawCookies.Delete(response, RawCookies.Carrier, null, secure);
                }

                return;
            }

            RawCookies.Append(response, RawCookies.Carrier, value, (long)PixelCarrier.Lifetime.TotalSeconds, null, secure, httpOnly: true);
            Log.CarrierWritten(logger, pending.Count, size);
        }
        catch (Exception ex)
        {
            Log.CarrierFailed(logger, ex);
        }
    }
}
