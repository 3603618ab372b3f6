namespace OaiqPixel;

/// <summary>One item of an event's <c>contents</c> list: a product, plan, page or other content unit.</summary>
/// <remarks>
/// Every field is optional. <see cref="GroupId"/> and <see cref="Variant"/> are sent to the Conversions API
/// only; the pixel drops events that carry them, so the pixel serializer leaves them out.
/// </remarks>
public sealed class Content
{
    /// <summary>Your item, product or content id (<c>id</c>).</summary>
    public string? Id { get; init; }

    /// <summary>The product group or parent item (<c>group_id</c>). Conversions API only.</summary>
    public string? GroupId { get; init; }

    /// <summary>The display name (<c>name</c>).</summary>
    public string? Name { get; init; }

    /// <summary>A free-text category such as <c>product</c>, <c>plan</c> or <c>page</c> (<c>content_type</c>); never empty.</summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? ContentType
    {
        get;
        init
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("Content.ContentType must be non-empty when set (e.g. \"product\"); leave it null instead.", nameof(ContentType));
            }

            field = value;
        }
    }

    /// <summary>The number of units (<c>quantity</c>); zero or more.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? Quantity
    {
        get;
        init
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Quantity), value, "Content.Quantity must be zero or more.");
            }

            field = value;
        }
    }

    /// <summary>The item-level value (<c>amount</c> and <c>currency</c>), in minor units.</summary>
    /// <exception cref="ArgumentException">The value is <c>default(Money)</c> rather than one made by a <see cref="Money"/> factory.</exception>
    public Money? Amount
    {
        get;
        init => field = EventData.CheckMoney(value, nameof(Amount));
    }

    /// <summary>Variant attributes such as size and colour (<c>variant_dict</c>). Conversions API only.</summary>
    /// <exception cref="ArgumentException">A key is empty or a value is null.</exception>
    public IReadOnlyDictionary<string, string>? Variant
    {
        get;
        init
        {
            if (value is null)
            {
                field = null;
                return;
            }

            var copy = new Dictionary<string, string>(value.Count, StringComparer.Ordinal);
            foreach (var (key, item) in value)
            {
                if (string.IsNullOrEmpty(key))
                {
                    throw new ArgumentException("Content.Variant keys must be non-empty.", nameof(Variant));
                }

                copy[key] = item ?? throw new ArgumentException($"Content.Variant['{key}'] must not be null.", nameof(Variant));
            }

            field = copy;
        }
    }

    /// <summary>Whether the item carries fields the pixel does not accept (<see cref="GroupId"/>, <see cref="Variant"/>).</summary>
    public bool HasConversionsApiOnlyFields => GroupId is not null || Variant is { Count: > 0 };
}
