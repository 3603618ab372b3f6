namespace OaiqPixel;

/// <summary>The data shapes (<c>data.type</c>) OpenAI Ads events carry.</summary>
public enum EventDataType
{
    /// <summary><c>contents</c>: an optional amount and a list of items.</summary>
    Contents,

    /// <summary><c>customer_action</c>: an optional amount; no items, no plan.</summary>
    CustomerAction,

    /// <summary><c>plan_enrollment</c>: an optional plan id, amount and items.</summary>
    PlanEnrollment,

    /// <summary><c>custom</c>: an optional plan id, amount, items and free properties (Conversions API only).</summary>
    Custom,
}
