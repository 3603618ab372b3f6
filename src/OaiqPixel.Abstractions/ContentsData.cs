namespace OaiqPixel;

/// <summary>
/// The <c>contents</c> data shape: an optional amount and a list of items. Used by <c>page_viewed</c>,
/// <c>contents_viewed</c>, <c>items_added</c>, <c>checkout_started</c> and <c>order_created</c>.
/// </summary>
public sealed class ContentsData : EventData
{
    /// <inheritdoc />
    public override EventDataType Type => EventDataType.Contents;

    /// <summary>The items (<c>contents</c>); empty when there are none.</summary>
    public IReadOnlyList<Content> Contents
    {
        get;
        init => field = CheckContents(value, nameof(Contents));
    } = [];
}
