using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
public sealed class OaiqEventTagHelper : TagHelper
{
    private const string TagName = "oaiq-event";
    private const string NameAttributeName = "name";
    private const string CustomNameAttributeName = "custom-name";
    private const string AmountAttributeName = "amount";
    private const string AmountMinorAttributeName = "amount-minor";
    private const string CurrencyAttributeName = "currency";
    private const string ContentIdAttributeName = "content-id";
    private const string ContentNameAttributeName = "content-name";
    private const string ContentTypeAttributeName = "content-type";
    private const string QuantityAttributeName = "quantity";
    private const string ContentsAttributeName = "contents";
    private const string PlanIdAttributeName = "plan-id";
    private const string EventIdAttributeName = "event-id";
    private const string OptOutAttributeName = "opt-out";
    private const string UserAttributeName = "user";

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
    [HtmlAttributeName(NameAttributeName)]
    public string? Name { get; set; }

    /// <summary>The <c>custom_event_name</c>; required for <c>custom</c>, refused otherwise.</summary>
    [HtmlAttributeName(CustomNameAttributeName)]
    public string? CustomName { get; set; }

    /// <summary>The event value in major units (e.g. <c>25.99</c>); requires <see cref="Currency"/>.</summary>
    [HtmlAttributeName(AmountAttributeName)]
    public decimal? Amount { get; set; }

    /// <summary>The event value in minor units (e.g. <c>2599</c>); requires <see cref="Currency"/>. Wins over <see cref="Amount"/>.</summary>
    [HtmlAttributeName(AmountMinorAttributeName)]
    public long? AmountMinor { get; set; }

    /// <summary>The ISO 4217 currency of the amount (e.g. <c>USD</c>).</summary>
    [HtmlAttributeName(CurrencyAttributeName)]
    public string? Currency { get; set; }

    /// <summary>The id of a single content item.</summary>
    [HtmlAttributeName(ContentIdAttributeName)]
    public string? ContentId { get; set; }

    /// <summary>The name of a single content item.</summary>
    [HtmlAttributeName(ContentNameAttributeName)]
    public string? ContentName { get; set; }

    /// <summary>The type of a single content item (e.g. <c>product</c>).</summary>
    [HtmlAttributeName(ContentTypeAttributeName)]
    public string? ContentType { get; set; }

    /// <summary>The quantity of a single content item.</summary>
    [HtmlAttributeName(QuantityAttributeName)]
    public int? Quantity { get; set; }

    /// <summary>Content items (added before the single item described by the <c>content-*</c> attributes).</summary>
    [HtmlAttributeName(ContentsAttributeName)]
    public IEnumerable<Content>? Contents { get; set; }

    /// <summary>The plan id (<c>plan_enrollment</c> and <c>custom</c> events).</summary>
    [HtmlAttributeName(PlanIdAttributeName)]
    public string? PlanId { get; set; }

    /// <summary>The event id shared by both legs; a fresh opaque one when not set.</summary>
    [HtmlAttributeName(EventIdAttributeName)]
    public string? EventId { get; set; }

    /// <summary>Excludes the event from future user-level personalization (<c>opt_out</c>).</summary>
    [HtmlAttributeName(OptOutAttributeName)]
    public bool OptOut { get; set; }

    /// <summary>Who the event is about, for the server leg.</summary>
    [HtmlAttributeName(UserAttributeName)]
    public UserData? User { get; set; }

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

            tracker.Track(BuildEvent(), EventId, User, OptOut);
        }
        catch (Exception ex)
        {
            Log.EventTagFailed(_logger, ex);
        }
    }

    /// <summary>Builds the event the attributes describe.</summary>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The attributes do not describe a valid event.</exception>
    internal OaiqEvent BuildEvent()
    {
        if (string.IsNullOrEmpty(Name) || !OaiqEventNames.TryGetDataType(Name, out var shape))
        {
            throw new ArgumentException($"<oaiq-event name=\"…\"> must be one of {string.Join(", ", OaiqEventNames.All)}.", NameAttributeName);
        }

        Money? amount = null;
        if (AmountMinor is not null || Amount is not null)
        {
            if (string.IsNullOrWhiteSpace(Currency))
            {
                throw new ArgumentException("<oaiq-event> needs currency=\"…\" (ISO 4217, e.g. USD) with amount or amount-minor.", CurrencyAttributeName);
            }

            amount = AmountMinor is { } minor ? Money.FromMinorUnits(minor, Currency) : Money.FromMajor(Amount!.Value, Currency);
        }

        var contents = Contents?.ToList() ?? [];
        if (ContentId is not null || ContentName is not null || ContentType is not null || Quantity is not null)
        {
            contents.Add(new Content { Id = ContentId, Name = ContentName, ContentType = ContentType, Quantity = Quantity });
        }

        if (PlanId is not null && shape is EventDataType.Contents or EventDataType.CustomerAction)
        {
            throw new ArgumentException($"plan-id is not allowed on '{Name}' events.", PlanIdAttributeName);
        }

        EventData data = shape switch
        {
            EventDataType.Contents => new ContentsData { Amount = amount, Contents = contents },
            EventDataType.CustomerAction when contents.Count > 0 =>
                throw new ArgumentException($"'{Name}' events carry customer_action data, which has no contents.", ContentsAttributeName),
            EventDataType.CustomerAction => new CustomerActionData { Amount = amount },
            EventDataType.PlanEnrollment => new PlanEnrollmentData { Amount = amount, PlanId = PlanId, Contents = contents },
            _ => new CustomData { Amount = amount, PlanId = PlanId, Contents = contents },
        };

        return OaiqEvent.Create(Name, data, CustomName);
    }
}
