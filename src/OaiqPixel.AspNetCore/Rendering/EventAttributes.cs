namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// What <c>&lt;oaiq-event … /&gt;</c> (a view) and <c>&lt;OaiqEvent … /&gt;</c> (a Razor component) describe, and the one
/// way it becomes an <see cref="OaiqEvent"/>: the name picks the data shape (spec §3.1), the amount is read as written
/// (<see cref="MajorAmount"/>), the single <c>content-*</c> item joins the contents list, and a field the shape does not
/// carry is refused with the attribute's name.
/// </summary>
internal static class EventAttributes
{
    public const string Name = "name";
    public const string CustomName = "custom-name";
    public const string Amount = "amount";
    public const string AmountMinor = "amount-minor";
    public const string Currency = "currency";
    public const string ContentId = "content-id";
    public const string ContentName = "content-name";
    public const string ContentType = "content-type";
    public const string Quantity = "quantity";
    public const string Contents = "contents";
    public const string PlanId = "plan-id";
    public const string EventId = "event-id";
    public const string OptOut = "opt-out";
    public const string User = "user";
    public const string Pixel = "pixel";

    /// <summary>Builds the event the attributes describe.</summary>
    /// <param name="attributes">The element's attributes or parameters.</param>
    /// <param name="tag">How the element is written in error messages (<c>&lt;oaiq-event&gt;</c>, <c>&lt;OaiqEvent&gt;</c>).</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The attributes do not describe a valid event (the message names the attribute).</exception>
    public static OaiqEvent Build(IEventAttributes attributes, string tag)
    {
        if (string.IsNullOrEmpty(attributes.Name) || !OaiqEventNames.TryGetDataType(attributes.Name, out var shape))
        {
            throw Invalid($"{tag} name=\"…\" must be one of {string.Join(", ", OaiqEventNames.All)}.", Name);
        }

        Money? amount = null;
        if (attributes.AmountMinor is not null || attributes.Amount is not null)
        {
            if (string.IsNullOrWhiteSpace(attributes.Currency))
            {
                throw Invalid($"{tag} needs currency=\"…\" (ISO 4217, e.g. USD) with amount or amount-minor.", Currency);
            }

            amount = attributes.AmountMinor is { } minor
                ? Money.FromMinorUnits(minor, attributes.Currency)
                : Money.FromMajor(MajorAmount.Parse(attributes.Amount!, Amount), attributes.Currency);
        }

        var contents = attributes.Contents?.ToList() ?? [];
        if (attributes.ContentId is not null || attributes.ContentName is not null || attributes.ContentType is not null || attributes.Quantity is not null)
        {
            contents.Add(new Content { Id = attributes.ContentId, Name = attributes.ContentName, ContentType = attributes.ContentType, Quantity = attributes.Quantity });
        }

        if (attributes.PlanId is not null && shape is EventDataType.Contents or EventDataType.CustomerAction)
        {
            throw Invalid($"plan-id is not allowed on '{attributes.Name}' events.", PlanId);
        }

        EventData data = shape switch
        {
            EventDataType.Contents => new ContentsData { Amount = amount, Contents = contents },
            EventDataType.CustomerAction when contents.Count > 0 =>
                throw Invalid($"'{attributes.Name}' events carry customer_action data, which has no contents.", Contents),
            EventDataType.CustomerAction => new CustomerActionData { Amount = amount },
            EventDataType.PlanEnrollment => new PlanEnrollmentData { Amount = amount, PlanId = attributes.PlanId, Contents = contents },
            _ => new CustomData { Amount = amount, PlanId = attributes.PlanId, Contents = contents },
        };

        return OaiqEvent.Create(attributes.Name, data, attributes.CustomName);
    }

    /// <summary>Records the event for every pixel of the page, or for the one <c>pixel</c> names (empty or white space: none).</summary>
    public static void Track(IConversionTracker tracker, IEventAttributes attributes, OaiqEvent oaiqEvent)
    {
        if (string.IsNullOrWhiteSpace(attributes.Pixel))
        {
            tracker.Track(oaiqEvent, attributes.EventId, attributes.User, attributes.OptOut);
        }
        else
        {
            tracker.TrackSingle(attributes.Pixel, oaiqEvent, attributes.EventId, attributes.User, attributes.OptOut);
        }
    }

    // The attribute's name as ParamName, so a test or a log names what to fix.
    private static ArgumentException Invalid(string message, string attribute) => new(message, attribute);
}
