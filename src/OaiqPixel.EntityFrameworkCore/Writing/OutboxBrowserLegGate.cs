using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Holds the pixel call of an outbox event until its record is committed (or certain to be saved on its own), and drops
/// it when the record's transaction rolls back: a page never reports an order its own transaction undid.
/// </summary>
internal sealed class OutboxBrowserLegGate : IOaiqBrowserLegGate
{
    public OaiqBrowserLegState GetState(HttpContext httpContext, ConversionEvent conversionEvent) =>
        OutboxRequestSession.Find(httpContext)?.GetState(conversionEvent) ?? OaiqBrowserLegState.Render;
}
