using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Renders the pixel call of an outbox event once its record's commit is known, holds it while it is not (the
/// Post/Redirect/Get carrier takes it to the next page), and drops it when its save was rolled back or given up: a page
/// never reports an order its own transaction undid. A lookup in memory; no database call.
/// </summary>
internal sealed class OutboxBrowserLegGate : IOaiqBrowserLegGate
{
    public OaiqBrowserLegState GetState(HttpContext httpContext, ConversionEvent conversionEvent) =>
        OutboxRequestSession.Find(httpContext)?.GetState(conversionEvent) ?? OaiqBrowserLegState.Render;
}
