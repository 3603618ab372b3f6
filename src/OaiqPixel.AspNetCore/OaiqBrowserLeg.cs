namespace OaiqPixel.AspNetCore;

/// <summary>
/// How the browser leg reaches the page (<see cref="OaiqTrackingOptions.BrowserLeg"/>, <c>Oaiq:BrowserLeg</c>): the
/// <c>oaiq</c> pixel, pushes to a tag manager's <c>window.dataLayer</c>, or both. Every renderer — the tag helper, the
/// markup API, a redirect's carried events, the Blazor module — follows it.
/// </summary>
public enum OaiqBrowserLeg
{
    /// <summary>The official loader, <c>init</c> per pixel and <c>measure</c>/<c>measureSingle</c> per event (spec §1.1, §1.6, §1.7). The default.</summary>
    Pixel,

    /// <summary>
    /// No loader: each event (the page view included) is pushed to <c>window.dataLayer</c> with its event id, OpenAI event
    /// name, data and custom name, beside the GA4 e-commerce event of the same action, for a tag manager's tags (the
    /// OpenAI pixel tag with an event-id variable, GA4) to send with the ids the server leg uses (spec §5).
    /// </summary>
    DataLayer,

    /// <summary>Both: the pixel measures each event and the same event, with the same id, is pushed to <c>window.dataLayer</c>.</summary>
    Both,
}
