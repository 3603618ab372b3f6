namespace OaiqPixel.AspNetCore;

/// <summary>
/// Which page loads send their <em>view</em> events (<c>page_viewed</c> and <c>contents_viewed</c>) to the Conversions
/// API as well as to the pixel. Bound from <c>Oaiq:ServerViews</c>.
/// </summary>
/// <remarks>
/// <para>
/// A view sent from the server alone, for a load that no person sees, inflates the count: the pixel never runs for it, so
/// nothing deduplicates it. Such loads are prefetches and prerenders that are never opened, link-preview bots unfurling an
/// ad's landing URL in a chat app, crawlers, uptime monitors and scripts. So a view event's server copy is sent only for
/// a load a person sees:
/// </para>
/// <list type="bullet">
/// <item>never for a prefetch or prerender request (<c>Sec-Purpose</c> containing <c>prefetch</c>, <c>Purpose: prefetch</c>,
/// <c>X-Moz: prefetch</c>, <c>X-Purpose: preview</c>), whatever these options say;</item>
/// <item>with <see cref="RequireNavigation"/>, only for a browser navigation (Fetch Metadata);</item>
/// <item>with <see cref="ExcludeBots"/>, not for a bot's or a headless browser's <c>User-Agent</c>.</item>
/// </list>
/// <para>
/// Only the server copy of a view is skipped: the pixel still measures it in the browser (with the same event id), where a
/// person's browser runs it. Every other event (orders, leads, sign-ups, <c>custom</c>, …) is sent whatever the request.
/// Each skipped copy is counted in <c>oaiq.events.dropped</c> with <c>reason</c> <c>prefetch</c>,
/// <c>not_navigation</c> or <c>bot</c>, and logged at Debug (event id 40).
/// </para>
/// </remarks>
public sealed class OaiqServerViewOptions
{
    /// <summary>
    /// Sends a view's server copy only for a browser navigation: <c>Sec-Fetch-Mode: navigate</c> with
    /// <c>Sec-Fetch-Dest</c> <c>document</c> (a page), <c>iframe</c> or <c>frame</c> (a page in a frame, which the pixel
    /// measures there too). Current browsers send these headers on every navigation to an https site (and to
    /// <c>localhost</c>); link previews, crawlers, monitors and HTTP clients do not. The default is <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// Browsers send Fetch Metadata only to secure origins: a site served over plain http (not behind an https proxy) gets
    /// no server-side views unless this is <see langword="false"/>, and neither do browsers older than Fetch Metadata
    /// (Chrome 76, Firefox 90, Safari 16.4). The pixel measures their views either way.
    /// </remarks>
    public bool RequireNavigation { get; set; } = true;

    /// <summary>
    /// Sends no view's server copy for a bot's <c>User-Agent</c>: crawlers, link-preview bots, monitors, HTTP libraries and
    /// headless or automated browsers (which do send Fetch Metadata), by the pattern list of the npm package isbot, and a
    /// missing or empty <c>User-Agent</c>. The default is <see langword="true"/>.
    /// </summary>
    public bool ExcludeBots { get; set; } = true;
}
