using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Rendering;

namespace OaiqPixel.AspNetCore.TagHelpers;

/// <summary>
/// <c>&lt;oaiq-pixel /&gt;</c>: renders the OpenAI Ads pixel high in <c>&lt;head&gt;</c> — one <c>&lt;script&gt;</c> with
/// the official loader (spec §1.1), <c>oaiq("consent", …)</c> when consent is managed, <c>init</c>, <c>page_viewed</c>
/// with its event id, and one <c>measure</c> per event recorded for this page (including events carried over a redirect).
/// </summary>
/// <remarks>
/// Renders nothing when tracking is disabled or unconfigured, the endpoint opted out, consent is denied (unless
/// <see cref="OaiqTrackingOptions.RenderWhenConsentDenied"/>), or the pixel already rendered on this page. It never
/// throws: a failure is logged and nothing is rendered. Every value is JSON-encoded for a script context. On a
/// prerendered page (<c>document.prerendering</c>) the script runs when the visitor opens it. <c>page_viewed</c>'s server
/// copy goes to the Conversions API only for a load a person sees (<see cref="OaiqTrackingOptions.ServerViews"/>).
/// </remarks>
[HtmlTargetElement(TagName, TagStructure = TagStructure.WithoutEndTag)]
public sealed class OaiqPixelTagHelper : TagHelper
{
    private const string TagName = "oaiq-pixel";

    /// <summary>The view context (set by Razor).</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext? ViewContext { get; set; }

    /// <summary>
    /// The CSP nonce for the script; overrides <see cref="OaiqTrackingOptions.NonceProvider"/>. An empty or white-space
    /// value (e.g. <c>nonce="@ViewData["nonce"]"</c> with nothing set) counts as none given: the provider's nonce applies.
    /// </summary>
    [HtmlAttributeName("nonce")]
    public string? Nonce { get; set; }

    /// <summary>The signed-in visitor's hashed identifiers for <c>init</c>'s <c>user</c>; also added to the server copy of <c>page_viewed</c>.</summary>
    [HtmlAttributeName("user")]
    public UserData? User { get; set; }

    /// <summary>Optional page content for <c>page_viewed</c>.</summary>
    [HtmlAttributeName("page-data")]
    public ContentsData? PageData { get; set; }

    /// <summary>Whether to send <c>page_viewed</c> on this page; overrides <see cref="OaiqTrackingOptions.AutoPageView"/>.</summary>
    [HtmlAttributeName("page-view")]
    public bool? PageView { get; set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        var httpContext = ViewContext?.HttpContext;
        var markup = httpContext?.RequestServices.GetService<PixelRenderer>()?.Render(httpContext, new PixelRenderRequest(Nonce, User, PageData, PageView));
        if (markup is null)
        {
            output.SuppressOutput();
            return;
        }

        output.TagName = null;
        output.Content.SetHtmlContent(markup);
    }
}
