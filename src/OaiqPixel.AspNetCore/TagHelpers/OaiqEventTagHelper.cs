using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.TagHelpers;

/// <summary>
/// <c>&lt;oaiq-event name="contents_viewed" content-id="sku-1" … /&gt;</c>: records an event from a view through
/// <see cref="IConversionTracker"/>, so it reaches the pixel on this page and the Conversions API with one id.
/// </summary>
/// <remarks>
/// Renders nothing. Put it in the view body (Razor renders the body before the layout's <c>&lt;head&gt;</c>). Invalid
/// attributes are logged as errors and record nothing; the view still renders.
/// </remarks>
[HtmlTargetElement(TagName, TagStructure = TagStructure.WithoutEndTag)]
public sealed class OaiqEventTagHelper : TagHelper, IEventAttributes
{
    private const string TagName = "oaiq-event";

    private readonly ILogger _logger;

    /// <summary>Creates the tag helper.</summary>
    /// <param name="logger">Where invalid attributes are reported.</param>
    /// <exception cref="ArgumentNullException"><paramref name="logger"/> is <see langword="null"/>.</exception>
    public OaiqEventTagHelper(ILogger<OaiqEventTagHelper> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>The view context (set by Razor).</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext? ViewContext { get; set; }

    /// <summary>The event name, one of <see cref="OaiqEventNames"/> (e.g. <c>contents_viewed</c>, <c>custom</c>).</summary>
    [HtmlAttributeName(EventAttributes.Name)]
    public string? Name { get; set; }

    /// <summary>The <c>custom_event_name</c>; required for <c>custom</c>, refused otherwise.</summary>
    [HtmlAttributeName(EventAttributes.CustomName)]
    public string? CustomName { get; set; }

    /// <summary>
    /// The event value in major units, as written: a literal (<c>amount="25.99"</c>), a <see cref="decimal"/>,
    /// <see cref="double"/> or integer expression (<c>amount="@product.Price"</c>), or a string with a <c>.</c> decimal
    /// point (<c>amount="@("25.99")"</c>). Read the same in every culture and never rounded: more decimals than the
    /// currency has (spec §3.2, ISO 4217 minor units) is an error. Requires <see cref="Currency"/>.
    /// </summary>
    [HtmlAttributeName(EventAttributes.Amount)]
    public object? Amount { get; set; }

    /// <summary>The event value in minor units (e.g. <c>2599</c>); requires <see cref="Currency"/>. Wins over <see cref="Amount"/>.</summary>
    [HtmlAttributeName(EventAttributes.AmountMinor)]
    public long? AmountMinor { get; set; }

    /// <summary>The ISO 4217 currency of the amount (e.g. <c>USD</c>).</summary>
    [HtmlAttributeName(EventAttributes.Currency)]
    public string? Currency { get; set; }

    /// <summary>The id of a single content item.</summary>
    [HtmlAttributeName(EventAttributes.ContentId)]
    public string? ContentId { get; set; }

    /// <summary>The name of a single content item.</summary>
    [HtmlAttributeName(EventAttributes.ContentName)]
    public string? ContentName { get; set; }

    /// <summary>The type of a single content item (e.g. <c>product</c>).</summary>
    [HtmlAttributeName(EventAttributes.ContentType)]
    public string? ContentType { get; set; }

    /// <summary>The quantity of a single content item.</summary>
    [HtmlAttributeName(EventAttributes.Quantity)]
    public int? Quantity { get; set; }

    /// <summary>Content items (added before the single item described by the <c>content-*</c> attributes).</summary>
    [HtmlAttributeName(EventAttributes.Contents)]
    public IEnumerable<Content>? Contents { get; set; }

    /// <summary>The plan id (<c>plan_enrollment</c> and <c>custom</c> events).</summary>
    [HtmlAttributeName(EventAttributes.PlanId)]
    public string? PlanId { get; set; }

    /// <summary>The event id shared by both legs; a fresh opaque one when not set.</summary>
    [HtmlAttributeName(EventAttributes.EventId)]
    public string? EventId { get; set; }

    /// <summary>Excludes the event from future user-level personalization (<c>opt_out</c>).</summary>
    [HtmlAttributeName(EventAttributes.OptOut)]
    public bool OptOut { get; set; }

    /// <summary>Who the event is about, for the server leg.</summary>
    [HtmlAttributeName(EventAttributes.User)]
    public UserData? User { get; set; }

    /// <summary>
    /// The one pixel the event is aimed at (<c>pixel="px_seller_17"</c>): <c>measureSingle</c> in the browser and a
    /// Conversions API copy for that pixel only (spec §1.7). It must be one of the request's pixels; empty or white space counts as none. The default is none:
    /// every pixel of the page.
    /// </summary>
    [HtmlAttributeName(EventAttributes.Pixel)]
    public string? Pixel { get; set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        output.SuppressOutput();
        try
        {
            var tracker = ViewContext?.HttpContext.RequestServices.GetService<IConversionTracker>();
            if (tracker is null)
            {
                Log.PixelSuppressed(_logger, "<oaiq-event /> needs AddOaiqTracking");
                return;
            }

            EventAttributes.Track(tracker, this, BuildEvent());
        }
        catch (Exception ex)
        {
            Log.EventTagFailed(_logger, ex);
        }
    }

    /// <summary>Builds the event the attributes describe.</summary>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The attributes do not describe a valid event.</exception>
    internal OaiqEvent BuildEvent() => EventAttributes.Build(this, "<oaiq-event>");
}
