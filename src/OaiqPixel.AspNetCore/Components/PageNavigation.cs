namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// How a page changes pages, as the Blazor module sees it (its <c>navigation()</c>): what an interactive circuit needs to
/// know when the address changes while no interactive <c>&lt;OaiqPixel /&gt;</c> runs in it.
/// </summary>
internal enum PageNavigation
{
    /// <summary>The answer could not be had (the circuit disconnected): nothing is measured for this change.</summary>
    Failed,

    /// <summary>No page of the document carried pixel data (no <c>&lt;OaiqPixel /&gt;</c>, or it rendered nothing): nothing to measure with.</summary>
    NoPixel,

    /// <summary>Blazor's navigation events were not observable on the page (blazor.web.js started late, or not at all).</summary>
    Unknown,

    /// <summary>By enhanced navigation: each page's request measures it, with its static <c>&lt;OaiqPixel /&gt;</c>.</summary>
    Request,

    /// <summary>By an interactive router, in the circuit; the pages' data measure <c>page_viewed</c>.</summary>
    Circuit,

    /// <summary>By an interactive router, in the circuit; the pages' data do not measure <c>page_viewed</c>.</summary>
    CircuitWithoutPageView,
}
