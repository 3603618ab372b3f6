using Microsoft.AspNetCore.Http;

namespace OaiqPixel.AspNetCore;

/// <summary>
/// Names the pixels of a request — by host name, route, tenant claim or anything else in it — for a multi-tenant app, a
/// marketplace or a brand pixel beside an agency's (spec §1.7). Register yours with
/// <c>services.AddOaiqTracking(…).AddPixelResolver&lt;MyResolver&gt;()</c>; without one, every request gets the configured
/// pixels (<see cref="OaiqTrackingOptions.PixelId"/> and <see cref="OaiqTrackingOptions.Pixels"/>).
/// </summary>
/// <remarks>
/// A singleton. Both methods must be fast (no I/O: cache a tenant table) and must not throw; a throw from
/// <see cref="GetPixels"/> turns tracking off for that request (logged, log 80).
/// </remarks>
public interface IOaiqPixelResolver
{
    /// <summary>
    /// The pixels of this request, in <c>init</c> order: each gets <c>init</c>, every <c>measure</c> and a Conversions API
    /// copy of every event not aimed at one pixel. Called at most once per request, before anything is rendered or recorded.
    /// </summary>
    /// <param name="httpContext">The request.</param>
    /// <returns>The pixels; an empty list turns tracking off for the request (no pixel, no event). An entry with an unusable
    /// <see cref="OaiqPixelOptions.PixelId"/> is left out (log 81); a repeated one counts once.</returns>
    IReadOnlyList<OaiqPixelOptions> GetPixels(HttpContext httpContext);

    /// <summary>
    /// A pixel's settings by its id, for the server leg: the key and settings of each request it sends, looked up again
    /// for every request (so a rotated key is used at once). Must know every pixel <see cref="GetPixels"/> returns.
    /// </summary>
    /// <param name="pixelId">The Pixel ID of queued events.</param>
    /// <returns>The pixel, or <see langword="null"/> when unknown: its events are not sent (counted and logged, log 130).</returns>
    OaiqPixelOptions? FindPixel(string pixelId);
}
