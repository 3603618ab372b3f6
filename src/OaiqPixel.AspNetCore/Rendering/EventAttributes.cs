namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// What <c>&lt;oaiq-event … /&gt;</c> (a view) and <c>&lt;OaiqEvent … /&gt;</c> (a Razor component) describe, and the one
/// way it becomes an <see cref="OaiqEvent"/>: the name picks the data shape (spec §3.1), the amount is read as written
/// (<see cref="MajorAmount"/>), the single <c>content-*</c> item joins the contents list, and a field the shape does not
/// carry is refused with the attribute's name.
/// </summary>
internal sealed class EventAttributes
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

    public string? EventName { get; init; }

    public string? CustomEventName { get; init; }

    public object? AmountValue { get; init; }

    public long? AmountMinorUnits { get; init; }

    public string? CurrencyCode { get; init; }

    public string? ContentIdValue { get; init; }

    public string? ContentNameValue { get; init; }

    public string? ContentTypeValue { get; init; }

    public int? QuantityValue { get; init; }

    public IEnumerable<Content>? ContentsValue { get; init; }

    public string? PlanIdValue { get; init; }

    /// <summary>How the element is written in error messages (<c>&lt;oaiq-event&gt;</c>, <c>&lt;OaiqEvent&gt;</c>).</summary>
    public string Tag { get; init; } = "<oaiq-event>";

    /// <summary>Builds the event the attributes describe.</summary>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The attributes do not describe a valid event (the message names the attribute).</exception>
    public OaiqEvent Build()
    {
        var tag = Tag;
        if (string.IsNullOrEmpty(EventName) || !OaiqEventNames.TryGetDataType(EventName, out var shape))
        {
            throw new ArgumentException($"{tag} name=\"…\" must be one of {string.Join(", ", OaiqEventNames.All)}.", Name);
        }

        Money? amount = null;
        if (AmountMinorUnits is not null || AmountValue is not null)
        {
            if (string.IsNullOrWhiteSpace(CurrencyCode))
            {
                throw new ArgumentException($"{tag} needs currency=\"…\" (ISO 4217, e.g. USD) with amount or amount-minor.", Currency);
            }

            amount = AmountMinorUnits is { } minor
                ? Money.FromMinorUnits(minor, CurrencyCode)
                : Money.FromMajor(MajorAmount.Parse(AmountValue!, Amount), CurrencyCode);
        }

        var contents = ContentsValue?.ToList() ?? [];
        if (ContentIdValue is not null || ContentNameValue is not null || ContentTypeValue is not null || QuantityValue is not null)
        {
            contents.Add(new Content { Id = ContentIdValue, Name = ContentNameValue, ContentType = ContentTypeValue, Quantity = QuantityValue });
        }

        if (PlanIdValue is not null && shape is EventDataType.Contents or EventDataType.CustomerAction)
        {
            throw new ArgumentException($"plan-id is not allowed on '{EventName}' events.", PlanId);
        }

        EventData data = shape switch
        {
            EventDataType.Contents => new ContentsData { Amount = amount, Contents = contents },
            EventDataType.CustomerAction when contents.Count > 0 =>
                throw new ArgumentException($"'{EventName}' events carry customer_action data, which has no contents.", Contents),
            EventDataType.CustomerAction => new CustomerActionData { Amount = amount },
            EventDataType.PlanEnrollment => new PlanEnrollmentData { Amount = amount, PlanId = PlanIdValue, Contents = contents },
            _ => new CustomData { Amount = amount, PlanId = PlanIdValue, Contents = contents },
        };

        return OaiqEvent.Create(EventName, data, CustomEventName);
    }
}
