using System.Globalization;

namespace OaiqPixel;

/// <summary>
/// Checks an event against the Conversions API rules that can only be judged at send time or from the whole event,
/// so a sender can refuse one bad event locally instead of losing the whole batch it would travel in (the API rejects
/// a batch of up to 1,000 events for a single invalid one).
/// </summary>
/// <remarks>
/// Rules that the types already enforce (data shape matches the event name, no <c>contents</c> on
/// <c>customer_action</c>, currency with every amount, custom name present and valid, hashed user data) cannot be
/// broken by a constructed <see cref="ConversionEvent"/> and are not repeated here.
/// </remarks>
public static class ConversionEventValidator
{
    /// <summary>The oldest an event may be when it reaches the API.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    /// <summary>How far in the future an event's time may be.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(10);

    /// <summary>Reports every problem with an event, judged at <paramref name="now"/>.</summary>
    /// <param name="conversionEvent">The event to check.</param>
    /// <param name="now">The send time (from the same <see cref="TimeProvider"/> that stamps events).</param>
    /// <param name="maxAge">The oldest accepted age; defaults to <see cref="MaxAge"/>. A sender may pass less to keep a safety margin.</param>
    /// <returns>The problems found; empty when the event can be sent.</returns>
    public static IReadOnlyList<EventValidationError> Validate(ConversionEvent conversionEvent, DateTimeOffset now, TimeSpan? maxAge = null)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        List<EventValidationError>? errors = null;

        var age = now - conversionEvent.Timestamp;
        var limit = maxAge ?? MaxAge;
        if (age > limit)
        {
            Add(ref errors, "timestamp_ms", string.Create(CultureInfo.InvariantCulture,
                $"the event is {age.TotalHours:0.#} hours old; the Conversions API accepts events from the last {limit.TotalDays:0.##} days only."));
        }
        else if (-age > MaxFutureSkew)
        {
            Add(ref errors, "timestamp_ms", string.Create(CultureInfo.InvariantCulture,
                $"the event is {-age.TotalMinutes:0.#} minutes in the future; at most {MaxFutureSkew.TotalMinutes:0} minutes are allowed (check the clock or the timestamp's time zone)."));
        }

        var isAppEvent = conversionEvent.Event.Name is OaiqEventNames.AppInstalled or OaiqEventNames.AppOpened;
        var source = conversionEvent.EffectiveActionSource;
        if (source is null)
        {
            Add(ref errors, "action_source", "set ActionSource, or a SourceUrl for a web event; the Conversions API needs to know where the event happened.");
        }
        else if (isAppEvent && source != ActionSource.MobileApp)
        {
            Add(ref errors, "action_source", $"'{conversionEvent.Event.Name}' events require action_source 'mobile_app', not '{OaiqWireNames.Of(source.Value)}'.");
        }
        else if (source == ActionSource.Web && conversionEvent.SourceUrl is null)
        {
            Add(ref errors, "source_url", "web events require source_url, the page's scheme, host and path (e.g. https://shop.example.com/checkout).");
        }

        return errors ?? (IReadOnlyList<EventValidationError>)[];
    }

    private static void Add(ref List<EventValidationError>? errors, string field, string message) =>
        (errors ??= []).Add(new EventValidationError(field, message));
}
