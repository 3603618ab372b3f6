namespace OaiqPixel;

/// <summary>How the enums of the event model are spelled on the wire (pixel and Conversions API alike), for messages.</summary>
internal static class OaiqWireNames
{
    /// <summary>The <c>data.type</c> of a data shape (spec §3.2).</summary>
    /// <param name="type">The shape.</param>
    /// <returns><c>contents</c>, <c>customer_action</c>, <c>plan_enrollment</c> or <c>custom</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined value.</exception>
    public static string Of(EventDataType type) => type switch
    {
        EventDataType.Contents => "contents",
        EventDataType.CustomerAction => "customer_action",
        EventDataType.PlanEnrollment => "plan_enrollment",
        EventDataType.Custom => "custom",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown data type."),
    };

    /// <summary>The <c>action_source</c> of an event (spec §4.2).</summary>
    /// <param name="source">Where the event happened.</param>
    /// <returns><c>web</c>, <c>mobile_app</c>, <c>offline</c>, <c>physical_store</c>, <c>phone_call</c>, <c>email</c> or <c>other</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is not a defined value.</exception>
    public static string Of(ActionSource source) => source switch
    {
        ActionSource.Web => "web",
        ActionSource.MobileApp => "mobile_app",
        ActionSource.Offline => "offline",
        ActionSource.PhysicalStore => "physical_store",
        ActionSource.PhoneCall => "phone_call",
        ActionSource.Email => "email",
        ActionSource.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown action source."),
    };
}
