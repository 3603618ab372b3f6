namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's outer back-off, the one rule for both stores: while a batch still fails after the HTTP client's own
/// retries (an outage, a refused key, an unexpected status), it is tried again after
/// <see cref="ConversionsApiOptions.BackoffDelay"/>, doubling with jitter up to <see cref="ConversionsApiOptions.MaxBackoffDelay"/>,
/// or after the API's <c>Retry-After</c> when it asks for longer (spec §9 #5). The in-memory sender waits it out itself
/// (<see cref="PixelLaneSender"/>); a store that keeps records itself gets it in each kept record's
/// <see cref="ConversionEventDeliveryResult.RetryDelay"/>. There is no attempt limit (staleness and shutdown end it).
/// </summary>
internal static class DeliveryBackoff
{
    /// <summary>The wait before the next try after <paramref name="failures"/> failed tries in a row.</summary>
    /// <param name="api">The back-off settings.</param>
    /// <param name="failures">Failed tries in a row, at least 1.</param>
    /// <param name="retryAfter">The API's <c>Retry-After</c> with the last failure, if any.</param>
    /// <returns>The delay: doubled per failure with ±20 % jitter, at least what the API asked, at most the maximum.</returns>
    public static TimeSpan NextDelay(ConversionsApiOptions api, int failures, TimeSpan? retryAfter)
    {
        var max = api.MaxBackoffDelay;
        var ticks = api.BackoffDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 30)) * (0.8 + (0.4 * Random.Shared.NextDouble()));
        var delay = TimeSpan.FromTicks((long)Math.Min(ticks, max.Ticks));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < max ? asked : max;
        }

        return delay;
    }
}
