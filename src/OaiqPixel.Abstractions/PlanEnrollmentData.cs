namespace OaiqPixel;

/// <summary>
/// The <c>plan_enrollment</c> data shape: an optional plan id, amount and items. Used by
/// <c>subscription_created</c> and <c>trial_started</c>.
/// </summary>
public sealed class PlanEnrollmentData : EventData
{
    /// <inheritdoc />
    public override EventDataType Type => EventDataType.PlanEnrollment;

    /// <summary>Your internal plan identifier (<c>plan_id</c>).</summary>
    public string? PlanId { get; init; }

    /// <summary>Plan-related items (<c>contents</c>); empty when there are none.</summary>
    public IReadOnlyList<Content> Contents
    {
        get;
        init => field = CheckContents(value, nameof(Contents));
    } = [];
}
