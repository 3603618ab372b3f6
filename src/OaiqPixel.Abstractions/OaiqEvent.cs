namespace OaiqPixel;

/// <summary>
/// What happened: an OpenAI Ads event name, its data and, for <c>custom</c> events, the custom name.
/// Create one with the factory for the event (<see cref="OrderCreated(ContentsData)"/>, <see cref="LeadCreated"/>, …):
/// each factory takes only the data shape its event allows, so a wrong combination does not compile.
/// </summary>
/// <remarks>
/// The same object is written as the pixel's <c>oaiq("measure", …)</c> call and as the Conversions API event,
/// so both legs always carry the same name, custom name and data.
/// </remarks>
public sealed class OaiqEvent
{
    private OaiqEvent(string name, EventData data, string? customEventName)
    {
        Name = name;
        Data = data;
        CustomEventName = customEventName;
    }

    /// <summary>The event name (<c>type</c> in the Conversions API), one of <see cref="OaiqEventNames"/>.</summary>
    public string Name { get; }

    /// <summary>The event's data; its <see cref="EventData.Type"/> always matches <see cref="Name"/>.</summary>
    public EventData Data { get; }

    /// <summary>The <c>custom_event_name</c>; set exactly when <see cref="Name"/> is <c>custom</c>.</summary>
    public string? CustomEventName { get; }

    /// <summary>Whether the browser pixel accepts this event (everything except <c>app_installed</c> and <c>app_opened</c>).</summary>
    public bool IsPixelEvent => OaiqEventNames.IsPixelEvent(Name);

    /// <summary><c>page_viewed</c>: a visitor lands on or views an important page.</summary>
    /// <param name="data">Optional page content.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent PageViewed(ContentsData? data = null) => new(OaiqEventNames.PageViewed, data ?? new ContentsData(), null);

    /// <summary><c>contents_viewed</c>: a visitor views a product, listing, article or other content unit.</summary>
    /// <param name="data">The content viewed.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent ContentsViewed(ContentsData? data = null) => new(OaiqEventNames.ContentsViewed, data ?? new ContentsData(), null);

    /// <summary><c>items_added</c>: items are added to a cart, bundle or selection.</summary>
    /// <param name="data">The items added.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent ItemsAdded(ContentsData? data = null) => new(OaiqEventNames.ItemsAdded, data ?? new ContentsData(), null);

    /// <summary><c>checkout_started</c>: a checkout starts.</summary>
    /// <param name="data">The cart being checked out.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent CheckoutStarted(ContentsData? data = null) => new(OaiqEventNames.CheckoutStarted, data ?? new ContentsData(), null);

    /// <summary><c>order_created</c>: a purchase is completed.</summary>
    /// <param name="data">The order value and items.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent OrderCreated(ContentsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new(OaiqEventNames.OrderCreated, data, null);
    }

    /// <summary><c>order_created</c> from an order total and its lines.</summary>
    /// <param name="total">The order value.</param>
    /// <param name="contents">The order lines.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent OrderCreated(Money total, IEnumerable<Content>? contents = null) =>
        OrderCreated(new ContentsData { Amount = total, Contents = contents?.ToArray() ?? [] });

    /// <summary><c>lead_created</c>: a lead form is submitted or contact requested.</summary>
    /// <param name="data">An optional lead value.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent LeadCreated(CustomerActionData? data = null) => new(OaiqEventNames.LeadCreated, data ?? new CustomerActionData(), null);

    /// <summary><c>registration_completed</c>: an account or event registration finishes.</summary>
    /// <param name="data">An optional value.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent RegistrationCompleted(CustomerActionData? data = null) => new(OaiqEventNames.RegistrationCompleted, data ?? new CustomerActionData(), null);

    /// <summary><c>appointment_scheduled</c>: a meeting, demo or consultation is booked.</summary>
    /// <param name="data">An optional value.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent AppointmentScheduled(CustomerActionData? data = null) => new(OaiqEventNames.AppointmentScheduled, data ?? new CustomerActionData(), null);

    /// <summary><c>subscription_created</c>: a paid subscription starts.</summary>
    /// <param name="data">The plan and its value.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent SubscriptionCreated(PlanEnrollmentData? data = null) => new(OaiqEventNames.SubscriptionCreated, data ?? new PlanEnrollmentData(), null);

    /// <summary><c>trial_started</c>: a free trial starts.</summary>
    /// <param name="data">The plan.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent TrialStarted(PlanEnrollmentData? data = null) => new(OaiqEventNames.TrialStarted, data ?? new PlanEnrollmentData(), null);

    /// <summary>A <c>custom</c> event outside the standard taxonomy.</summary>
    /// <param name="customEventName">The name, e.g. <c>newsletter_signup</c>: 1–64 lowercase letters, digits, <c>_</c> or <c>-</c>; not a standard name.</param>
    /// <param name="data">Optional plan id, amount, items and free properties.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The name breaks a rule; the message says which (and suggests the lowercase form for uppercase names).</exception>
    public static OaiqEvent Custom(string customEventName, CustomData? data = null) =>
        new(OaiqEventNames.Custom, data ?? new CustomData(), CustomEventNames.Validate(customEventName, nameof(customEventName)));

    /// <summary><c>app_installed</c> (Conversions API only; send it with <see cref="ActionSource.MobileApp"/>).</summary>
    /// <param name="data">An optional value.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent AppInstalled(CustomerActionData? data = null) => new(OaiqEventNames.AppInstalled, data ?? new CustomerActionData(), null);

    /// <summary><c>app_opened</c> (Conversions API only; send it with <see cref="ActionSource.MobileApp"/>).</summary>
    /// <param name="data">An optional value.</param>
    /// <returns>The event.</returns>
    public static OaiqEvent AppOpened(CustomerActionData? data = null) => new(OaiqEventNames.AppOpened, data ?? new CustomerActionData(), null);

    /// <summary>
    /// Creates an event from a name known only at run time (configuration, a view attribute). Prefer the typed
    /// factories in code: they make a wrong name/shape combination a compile error.
    /// </summary>
    /// <param name="name">An event name from <see cref="OaiqEventNames"/>.</param>
    /// <param name="data">Data of the shape the name requires; <see langword="null"/> for an empty object of that shape.</param>
    /// <param name="customEventName">Required for <c>custom</c>, refused otherwise.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The name is unknown, the data has the wrong shape, or the custom name is missing, invalid or not allowed.</exception>
    public static OaiqEvent Create(string name, EventData? data = null, string? customEventName = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!OaiqEventNames.TryGetDataType(name, out var required))
        {
            throw new ArgumentException(
                $"'{(name.Length > 40 ? name[..40] + "…" : name)}' is not an OpenAI Ads event name; use one of {string.Join(", ", OaiqEventNames.All)}.",
                nameof(name));
        }

        data ??= required switch
        {
            EventDataType.Contents => new ContentsData(),
            EventDataType.CustomerAction => new CustomerActionData(),
            EventDataType.PlanEnrollment => new PlanEnrollmentData(),
            _ => new CustomData(),
        };

        if (data.Type != required)
        {
            throw new ArgumentException(
                $"'{name}' events carry {OaiqWireNames.Of(required)} data, not {OaiqWireNames.Of(data.Type)}.", nameof(data));
        }

        var interned = OaiqEventNames.Intern(name)!;
        if (required == EventDataType.Custom)
        {
            return new(interned, data, CustomEventNames.Validate(customEventName, nameof(customEventName)));
        }

        if (customEventName is not null)
        {
            throw new ArgumentException(
                $"custom_event_name is only allowed on 'custom' events, not on '{name}'.", nameof(customEventName));
        }

        return new(interned, data, null);
    }

    /// <summary>The event name, with the custom name for custom events (<c>custom:newsletter_signup</c>).</summary>
    /// <returns>A short description without data.</returns>
    public override string ToString() => CustomEventName is null ? Name : $"{Name}:{CustomEventName}";
}
