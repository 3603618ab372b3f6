namespace OaiqPixel;

/// <summary>
/// The <c>customer_action</c> data shape: an optional amount, and nothing else (no items, no plan). Used by
/// <c>lead_created</c>, <c>registration_completed</c>, <c>appointment_scheduled</c>, <c>app_installed</c> and <c>app_opened</c>.
/// </summary>
public sealed class CustomerActionData : EventData
{
    /// <inheritdoc />
    public override EventDataType Type => EventDataType.CustomerAction;
}
