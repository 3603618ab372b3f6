using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel;
using OaiqPixel.AspNetCore.Rendering;

namespace Microsoft.AspNetCore.Http;

/// <summary>
/// The pixel for renderers other than Razor views — minimal APIs returning <c>Results.Content</c>, Razor Slices,
/// <c>RazorComponentResult</c> pages: the same markup, with the same rules, as <c>&lt;oaiq-pixel /&gt;</c>.
/// </summary>
public static class OaiqPixelHttpContextExtensions
{
    /// <summary>
    /// Renders the OpenAI Ads pixel for this request, once per page: one <c>&lt;script&gt;</c> with the official loader
    /// (spec §1.1), <c>oaiq("consent", …)</c> when consent is managed, <c>init</c>, <c>page_viewed</c> with its event id
    /// (and its Conversions API copy), the events carried from a redirect and those recorded in this request. Place it
    /// high in the page's <c>&lt;head&gt;</c>.
    /// </summary>
    /// <param name="httpContext">The request.</param>
    /// <param name="nonce">The CSP nonce for the script; <see langword="null"/> or blank uses <see cref="OaiqPixel.AspNetCore.OaiqTrackingOptions.NonceProvider"/>.</param>
    /// <param name="user">The signed-in visitor's identifiers for <c>init</c>'s <c>user</c>, hashed; also added to <c>page_viewed</c>'s server copy.</param>
    /// <param name="pageData">Optional content for <c>page_viewed</c>.</param>
    /// <param name="pageView">Whether to measure <c>page_viewed</c>; <see langword="null"/> follows <see cref="OaiqPixel.AspNetCore.OaiqTrackingOptions.AutoPageView"/>.</param>
    /// <returns>
    /// The markup (values encoded for their contexts), or <see cref="HtmlString.Empty"/> when nothing renders: tracking off
    /// or unconfigured, the endpoint opted out, no consent, or the pixel already rendered for this request. Never throws
    /// for a tracking failure (it is logged).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="httpContext"/> is <see langword="null"/>.</exception>
    public static IHtmlContent GetOaiqPixel(this HttpContext httpContext, string? nonce = null, UserData? user = null, ContentsData? pageData = null, bool? pageView = null)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return httpContext.RequestServices.GetService<PixelRenderer>()?.Render(httpContext, new PixelRenderRequest(nonce, user, pageData, pageView))
            ?? (IHtmlContent)HtmlString.Empty;
    }
}
