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
    /// fixed), or <see langword="null"/> (the default) to send each to its own pixel. The app must know the pixel and its
    /// key, as for any event (<c>Oaiq:PixelId</c>, <c>Oaiq:Pixels</c> or its pixel resolver).
    /// </summary>
    /// <exception cref="ArgumentException">Set to an empty or white-space string.</exception>
    public string? ToPixelId
    {
        get;
        init => field = NullOrText(value, nameof(ToPixelId));
    }

    /// <summary>Whether a dead letter recorded for <paramref name="pixelId"/> with <paramref name="eventId"/> is one this request names.</summary>
    internal bool Matches(string pixelId, string eventId) =>
        (PixelId is null || string.Equals(PixelId, pixelId, StringComparison.Ordinal))
        && (EventIds is null || EventIds.Contains(eventId, StringComparer.Ordinal));

    private static string? NullOrText(string? value, string name) =>
        value is not null && string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("A Pixel ID is not empty or white space.", name) : value;
}
