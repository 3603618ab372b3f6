using System.Collections.Frozen;

namespace OaiqPixel;

/// <summary>
/// The event names OpenAI Ads accepts, exactly as they appear on the wire (the pixel's event name
/// argument and the Conversions API <c>type</c> field).
/// </summary>
public static class OaiqEventNames
{
    /// <summary><c>page_viewed</c>: a visitor lands on or views an important page. Data shape <c>contents</c>.</summary>
    public const string PageViewed = "page_viewed";

    /// <summary><c>contents_viewed</c>: a visitor views a product, listing, article or other content unit. Data shape <c>contents</c>.</summary>
    public const string ContentsViewed = "contents_viewed";

    /// <summary><c>items_added</c>: items are added to a cart, bundle or selection. Data shape <c>contents</c>.</summary>
    public const string ItemsAdded = "items_added";

    /// <summary><c>checkout_started</c>: a checkout starts. Data shape <c>contents</c>.</summary>
    public const string CheckoutStarted = "checkout_started";

    /// <summary><c>order_created</c>: a purchase is completed. Data shape <c>contents</c>.</summary>
    public const string OrderCreated = "order_created";

    /// <summary><c>lead_created</c>: a lead form is submitted or contact requested. Data shape <c>customer_action</c>.</summary>
    public const string LeadCreated = "lead_created";

    /// <summary><c>registration_completed</c>: an account or event registration finishes. Data shape <c>customer_action</c>.</summary>
    public const string RegistrationCompleted = "registration_completed";

    /// <summary><c>appointment_scheduled</c>: a meeting, demo or consultation is booked. Data shape <c>customer_action</c>.</summary>
    public const string AppointmentScheduled = "appointment_scheduled";

    /// <summary><c>subscription_created</c>: a paid subscription starts. Data shape <c>plan_enrollment</c>.</summary>
    public const string SubscriptionCreated = "subscription_created";

    /// <summary><c>trial_started</c>: a free trial starts. Data shape <c>plan_enrollment</c>.</summary>
    public const string TrialStarted = "trial_started";

    /// <summary><c>custom</c>: anything outside the standard taxonomy, named by <c>custom_event_name</c>. Data shape <c>custom</c>.</summary>
    public const string Custom = "custom";

    /// <summary><c>app_installed</c>: a native app was installed. Conversions API only, with <c>action_source</c> <c>mobile_app</c>. Data shape <c>customer_action</c>.</summary>
    public const string AppInstalled = "app_installed";

    /// <summary><c>app_opened</c>: a native app was opened. Conversions API only, with <c>action_source</c> <c>mobile_app</c>. Data shape <c>customer_action</c>.</summary>
    public const string AppOpened = "app_opened";

    /// <summary>Every name above, in the order of the OpenAI supported-events table.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        PageViewed, ContentsViewed, ItemsAdded, CheckoutStarted, OrderCreated,
        LeadCreated, RegistrationCompleted, AppointmentScheduled,
        SubscriptionCreated, TrialStarted, Custom, AppInstalled, AppOpened,
    ];

    // After All: static fields are initialized in order.
    private static readonly FrozenSet<string> s_names = All.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Returns the data shape an event name requires.</summary>
    /// <param name="eventName">One of the names in <see cref="All"/>.</param>
    /// <param name="dataType">The required data shape when the name is known.</param>
    /// <returns><see langword="true"/> when <paramref name="eventName"/> is a supported event name.</returns>
    public static bool TryGetDataType(string? eventName, out EventDataType dataType)
    {
        switch (eventName)
        {
            case PageViewed or ContentsViewed or ItemsAdded or CheckoutStarted or OrderCreated:
                dataType = EventDataType.Contents;
                return true;
            case LeadCreated or RegistrationCompleted or AppointmentScheduled or AppInstalled or AppOpened:
                dataType = EventDataType.CustomerAction;
                return true;
            case SubscriptionCreated or TrialStarted:
                dataType = EventDataType.PlanEnrollment;
                return true;
            case Custom:
                dataType = EventDataType.Custom;
                return true;
            default:
                dataType = default;
                return false;
        }
    }

    /// <summary>Whether the browser pixel accepts the event (the <c>app_*</c> events are Conversions API only).</summary>
    /// <param name="eventName">A supported event name.</param>
    /// <returns><see langword="false"/> for <see cref="AppInstalled"/>, <see cref="AppOpened"/> and unknown names.</returns>
    public static bool IsPixelEvent(string? eventName) =>
        eventName is not (AppInstalled or AppOpened) && TryGetDataType(eventName, out _);

    /// <summary>The constant equal to <paramref name="eventName"/>, so a name read at run time is not kept twice.</summary>
    internal static string? Intern(string eventName) => s_names.TryGetValue(eventName, out var name) ? name : null;
}
