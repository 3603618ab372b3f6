namespace OaiqPixel;

/// <summary>
/// The <c>data</c> object of an event. Each event name requires one shape: <see cref="ContentsData"/>,
/// <see cref="CustomerActionData"/>, <see cref="PlanEnrollmentData"/> or <see cref="CustomData"/>.
/// </summary>
/// <remarks>Only those four types derive from this class, so an event can never carry an undocumented shape.</remarks>
public abstract class EventData
{
    private protected EventData()
    {
    }

    /// <summary>The data shape, written as <c>data.type</c>.</summary>
    public abstract EventDataType Type { get; }

    /// <summary>The event-level value (<c>amount</c> and <c>currency</c>), in minor units.</summary>
    /// <exception cref="ArgumentException">The value is <c>default(Money)</c> rather than one made by a <see cref="Money"/> factory.</exception>
    public Money? Amount
    {
        get;
        init => field = CheckMoney(value, nameof(Amount));
    }

    internal static Money? CheckMoney(Money? value, string paramName)
    {
        if (value is { Currency: null })
        {
            throw new ArgumentException("Create amounts with Money.FromMinorUnits or Money.FromMajor; default(Money) has no currency.", paramName);
        }

        return value;
    }

    internal static IReadOnlyList<Content> CheckContents(IEnumerable<Content>? value, string paramName)
    {
        if (value is null)
        {
            return [];
        }

        var copy = value.ToArray();
        var nullAt = Array.IndexOf(copy, null);
        return nullAt < 0 ? copy : throw new ArgumentException($"Contents[{nullAt}] is null.", paramName);
    }
}
