namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// Wraps the pixel script so that a prerendered page (<c>document.prerendering</c>, Speculation Rules) runs it — loader,
/// <c>init</c>, every <c>measure</c> — when the visitor opens the page (<c>prerenderingchange</c>), not while it is
/// prerendered for a visit that may never come; any other page runs it at once.
/// </summary>
/// <remarks>
/// Plain code inside the same nonce'd script: no <c>eval</c>, no inline handler, so a strict Content-Security-Policy is
/// unchanged. Each <c>oaiq(…)</c> call stays on its own line between the two parts.
/// </remarks>
internal static class PrerenderGuard
{
    /// <summary>Opens the wrapper; the loader and the calls follow.</summary>
    public const string Start = "(function(r){var d=document;if(d.prerendering){d.addEventListener(\"prerenderingchange\",r,{once:true});}else{r();}})(function(){\n";

    /// <summary>Closes the wrapper after the last call.</summary>
    public const string End = "});\n";
}
