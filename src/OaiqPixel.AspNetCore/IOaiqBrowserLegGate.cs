using Microsoft.AspNetCore.Http;

namespace OaiqPixel.AspNetCore;

/// <summary>
/// Decides when the browser leg of a recorded event may render, for a server-leg store that must not let a page report
/// what its own transaction may still undo (a durable outbox: an order's <c>order_created</c> renders once the order's
/// transaction commits, and never when it rolls back). Register one as a singleton; without one every recorded event
/// renders as soon as the pixel does.
/// </summary>
/// <remarks>
/// <para>
/// The pixel (<c>&lt;oaiq-pixel /&gt;</c> and every other renderer) calls <see cref="GetState"/> for each recorded event
/// it has not rendered yet; the Post/Redirect/Get carrier does the same as the response starts, for the events it would
/// carry to the next page. An event held on one call is asked about again on the next; one still held as the response
/// starts is carried to the next page, which renders it. No I/O may happen here: it is asked from rendering and as the
/// response starts.
/// </para>
/// <para>Called on the request's own flow, never concurrently for one request; it must be quick and must not throw (a throw renders nothing, log 10, or carries nothing, log 23).</para>
/// </remarks>
public interface IOaiqBrowserLegGate
{
    /// <summary>Says whether the pixel call of <paramref name="conversionEvent"/> may render now.</summary>
    /// <param name="httpContext">The request that recorded the event.</param>
    /// <param name="conversionEvent">The event as recorded: the same instance the request's sink received.</param>
    /// <returns><see cref="OaiqBrowserLegState.Render"/>, <see cref="OaiqBrowserLegState.Hold"/> or <see cref="OaiqBrowserLegState.Drop"/>.</returns>
    OaiqBrowserLegState GetState(HttpContext httpContext, ConversionEvent conversionEvent);
}
