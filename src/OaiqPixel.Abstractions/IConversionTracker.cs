namespace OaiqPixel;

/// <summary>
/// Records a conversion for both legs: the browser pixel (rendered on the page as <c>oaiq("measure", …)</c>) and the
/// Conversions API (queued in the background), with one shared event id so OpenAI counts it once.
/// </summary>
/// <remarks>
/// In ASP.NET Core it is a scoped service: inject it into controllers, Razor Pages or minimal API handlers. It validates
/// at once and throws for developer errors, never waits on the network, and records nothing when the visitor has not
/// given consent.
/// </remarks>
public interface IConversionTracker
{
    /// <summary>Records an event.</summary>
    /// <param name="oaiqEvent">What happened, e.g. <c>OaiqEvent.OrderCreated(Money.FromMajor(25.99m, "USD"))</c>.</param>
    /// <param name="eventId">
    /// The id shared by both legs, e.g. <c>order_42</c>; <see langword="null"/> generates an opaque one. Use an id your
    /// system can reproduce (order or lead id) when the same conversion may be reported again.
    /// </param>
    /// <param name="user">Who the event is about; hashed here if given raw. Request data (IP, user agent, <c>obref</c>) is added for you.</param>
    /// <param name="optOut">Excludes the event from future user-level personalization.</param>
    /// <returns>
    /// The event id, or <see langword="null"/> when neither leg took the event (logged): tracking off, consent not given,
    /// or a server-only event (one the pixel does not measure, or one tracked outside a request) that the server leg
    /// refused — the server leg off, the event invalid (e.g. a background job's event without the <c>source_url</c> its
    /// <c>action_source</c> needs) or its queue full. In an interactive Blazor circuit the legs go out just after the call,
    /// so the id is returned before they are known.
    /// </returns>
    /// <exception cref="ArgumentException">The event id is not usable.</exception>
    string? Track(OaiqEvent oaiqEvent, string? eventId = null, UserData? user = null, bool optOut = false);

    /// <summary>
    /// Records an event for one pixel only: <c>oaiq("measureSingle", pixelId, …)</c> in the browser and a Conversions API
    /// copy for that pixel (spec §1.7), e.g. a marketplace reporting a sale to the seller's pixel beside
    /// <see cref="Track"/>'s copy for every pixel of the page, under the same event id (each pixel deduplicates on its own).
    /// </summary>
    /// <param name="pixelId">The pixel: one of the request's pixels (the SDK loses an event for a pixel the page did not
    /// initialize), e.g. <c>px_seller_17</c>.</param>
    /// <param name="oaiqEvent">What happened.</param>
    /// <param name="eventId">The id shared by both legs; <see langword="null"/> generates an opaque one.</param>
    /// <param name="user">Who the event is about; hashed here if given raw.</param>
    /// <param name="optOut">Excludes the event from future user-level personalization.</param>
    /// <returns>The event id, or <see langword="null"/> when neither leg took the event (as for <see cref="Track"/>), or
    /// <paramref name="pixelId"/> is not one of the request's pixels — logged.</returns>
    /// <exception cref="ArgumentException">The event id or <paramref name="pixelId"/> is not usable.</exception>
    string? TrackSingle(string pixelId, OaiqEvent oaiqEvent, string? eventId = null, UserData? user = null, bool optOut = false);
}
