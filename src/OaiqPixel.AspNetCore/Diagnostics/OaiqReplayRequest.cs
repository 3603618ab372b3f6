namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>
/// Which dead letters <see cref="IOaiqStoreInspector.ReplayDeadLettersAsync"/> sends again, and to which pixel. The
/// default (every property unset) is every dead letter, each to the pixel it was recorded for.
/// </summary>
/// <remarks>
/// A record's JSON does not name its pixel (the pixel is the request's <c>pid</c>, spec §4.1), so a dead letter recorded
/// for a wrong Pixel ID is re-aimed by <see cref="ToPixelId"/> unchanged: same event id, same <c>timestamp_ms</c>.
/// </remarks>
public sealed class OaiqReplayRequest
{
    /// <summary>
    /// Only the dead letters recorded for this Pixel ID (the <c>pid</c> they were refused under), or
    /// <see langword="null"/> (the default) for every pixel's.
    /// </summary>
    /// <exception cref="ArgumentException">Set to an empty or white-space string.</exception>
    public string? PixelId
    {
        get;
        init => field = NullOrText(value, nameof(PixelId));
    }

    /// <summary>
    /// Only the dead letters with these event ids (the Conversions API event's <c>id</c>), or <see langword="null"/> (the
    /// default) for every id. Ids with no dead letter are counted in <see cref="OaiqReplayResult.NotFound"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Set to a list that holds a <see langword="null"/> or empty id.</exception>
    public IReadOnlyCollection<string>? EventIds
    {
        get;
        init => field = value is not null && value.Any(string.IsNullOrEmpty)
            ? throw new ArgumentException("An event id to replay is null or empty.", nameof(EventIds))
            : value;
    }

    /// <summary>
    /// The Pixel ID to send them to instead of the one each was recorded for (after a wrong <c>Oaiq:PixelId</c> was
    /// fixed), or <see langword="null"/> (the default) to send each to its own pixel. It must be a pixel the app is
    /// configured for (<c>Oaiq:PixelId</c>, <c>Oaiq:Pixels</c>, or what its <see cref="IOaiqPixelResolver.FindPixel"/>
    /// knows): every store's <c>ReplayDeadLettersAsync</c> checks it first (<see cref="ThrowIfUnknownTarget"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Set to an empty or white-space string.</exception>
    public string? ToPixelId
    {
        get;
        init => field = NullOrText(value, nameof(ToPixelId));
    }

    /// <summary>
    /// Checks that <paramref name="request"/>'s <see cref="ToPixelId"/>, when set, is a pixel the app is configured for:
    /// a well-formed Pixel ID (1–128 characters, no white space or control characters, as <c>Oaiq:PixelId</c>) that
    /// <paramref name="pixels"/> finds (without a resolver of the app's: <c>Oaiq:PixelId</c> or one of <c>Oaiq:Pixels</c>).
    /// Every store calls it before it changes anything, so a replay never re-aims dead letters at a pixel whose events
    /// could not be sent (or, in the outbox, that its column cannot hold); a store of the app's own should too.
    /// </summary>
    /// <param name="request">The replay request a store was given.</param>
    /// <param name="pixels">The app's pixel resolver (registered by <c>AddOaiqTracking</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="pixels"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <see cref="ToPixelId"/> is malformed or not a configured pixel (the exception names <paramref name="request"/>;
    /// its message does not quote the value). Thrown by <see cref="IOaiqPixelResolver.FindPixel"/> pass through.
    /// </exception>
    public static void ThrowIfUnknownTarget(OaiqReplayRequest request, IOaiqPixelResolver pixels)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pixels);
        if (request.ToPixelId is { } target && (!OaiqPixelOptions.IsValidPixelId(target) || pixels.FindPixel(target) is null))
        {
            throw new ArgumentException(
                "OaiqReplayRequest.ToPixelId must be one of the app's configured pixels (Oaiq:PixelId, Oaiq:Pixels, or one its IOaiqPixelResolver finds): "
                + "a Pixel ID from Ads Manager, 1-128 characters without white space or control characters. Nothing was replayed.",
                nameof(request));
        }
    }

    /// <summary>Whether a dead letter recorded for <paramref name="pixelId"/> with <paramref name="eventId"/> is one this request names.</summary>
    internal bool Matches(string pixelId, string eventId) =>
        (PixelId is null || string.Equals(PixelId, pixelId, StringComparison.Ordinal))
        && (EventIds is null || EventIds.Contains(eventId, StringComparer.Ordinal));

    private static string? NullOrText(string? value, string name) =>
        value is not null && string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("A Pixel ID is not empty or white space.", name) : value;
}
