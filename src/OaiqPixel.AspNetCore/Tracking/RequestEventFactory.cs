using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Turns what happened into the event both legs carry, the one way every request event is made (<c>Track</c>,
/// <c>&lt;oaiq-event&gt;</c>, the page's <c>page_viewed</c>): the id (the caller's or a fresh opaque one), the time, and
/// the request's context — <c>oppref</c>, <c>source_url</c>, <c>action_source</c> <c>web</c> for pixel events, and the
/// request's <c>obref</c>, IP address and user agent merged with the caller's user data (spec §4.2, §4.6).
/// </summary>
internal sealed class RequestEventFactory(TimeProvider timeProvider, IOptions<OaiqTrackingOptions> options)
{
    /// <summary>An event recorded during a request; <paramref name="pixelId"/> aims it at one pixel (<see cref="ConversionEvent.PixelId"/>).</summary>
    /// <exception cref="ArgumentException">The event id or pixel id is not usable.</exception>
    public ConversionEvent Create(OaiqTrackingContext context, OaiqEvent oaiqEvent, string? eventId, UserData? user, bool optOut, string? pixelId = null) =>
        CreateForVisitor(context.Oppref, context.SourceUrl, context.RequestUser, oaiqEvent, eventId ?? EventIds.New(), timeProvider.GetUtcNow(), user, optOut, pixelId);

    /// <summary>
    /// An event recorded in an interactive circuit, where no request is at hand: the visitor's <c>oppref</c> and request
    /// user data come from the page the circuit runs on, <c>source_url</c> from the circuit's current address.
    /// </summary>
    /// <exception cref="ArgumentException">The event id or pixel id is not usable.</exception>
    public static ConversionEvent CreateForVisitor(string? oppref, string? sourceUrl, UserData requestUser, OaiqEvent oaiqEvent, string eventId, DateTimeOffset timestamp, UserData? user, bool optOut, string? pixelId) =>
        new(oaiqEvent, eventId, timestamp)
        {
            Oppref = oppref,
            SourceUrl = sourceUrl,
            ActionSource = oaiqEvent.IsPixelEvent ? ActionSource.Web : null,
            OptOut = optOut,
            User = requestUser.Merge(user),
            PixelId = pixelId,
        };

    /// <summary>The time an event recorded now carries.</summary>
    public DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <summary>An event tracked outside a request (a background job): no page, so <see cref="OaiqTrackingOptions.BackgroundActionSource"/>.</summary>
    /// <exception cref="ArgumentException">The event id or pixel id is not usable.</exception>
    public ConversionEvent CreateOutsideRequest(OaiqEvent oaiqEvent, string? eventId, UserData? user, bool optOut, string? pixelId) =>
        new(oaiqEvent, eventId ?? EventIds.New(), timeProvider.GetUtcNow())
        {
            ActionSource = BackgroundActionSource,
            OptOut = optOut,
            User = user,
            PixelId = pixelId,
        };

    /// <summary>The action source of events tracked outside a request.</summary>
    public ActionSource? BackgroundActionSource { get; } = options.Value.BackgroundActionSource;
}
