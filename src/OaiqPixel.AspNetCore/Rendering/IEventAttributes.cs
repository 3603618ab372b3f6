namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// The attributes of <c>&lt;oaiq-event&gt;</c> and the parameters of <c>&lt;OaiqEvent&gt;</c>, so both are read by one
/// <see cref="EventAttributes.Build"/> and recorded by one <see cref="EventAttributes.Track"/>.
/// </summary>
internal interface IEventAttributes
{
    string? Name { get; }

    string? CustomName { get; }

    object? Amount { get; }

    long? AmountMinor { get; }

    string? Currency { get; }

    string? ContentId { get; }

    string? ContentName { get; }

    string? ContentType { get; }

    int? Quantity { get; }

    IEnumerable<Content>? Contents { get; }

    string? PlanId { get; }

    string? EventId { get; }

    bool OptOut { get; }

    UserData? User { get; }

    string? Pixel { get; }
}
