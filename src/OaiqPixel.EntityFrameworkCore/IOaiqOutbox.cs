using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.EntityFrameworkCore;

/// <summary>
/// Reads the outbox's state and sends its dead letters again (registered by <c>AddEntityFrameworkOutbox&lt;TContext&gt;()</c>),
/// for an admin page or the development sandbox.
/// </summary>
public interface IOaiqOutbox
{
    /// <summary>Counts the table and lists the oldest pending records, the newest dead letters and the latest deliveries.</summary>
    /// <param name="take">How many of each to list, 0–1,000. The default is 20.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The snapshot. Its records are detached copies: changing them changes nothing.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="take"/> is negative or over 1,000.</exception>
    /// <remarks>Queries the database: while it is down this throws what the provider throws (the health check says so without a query).</remarks>
    Task<OaiqOutboxSnapshot> GetSnapshotAsync(int take = 20, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends dead letters again once their cause is fixed: every one, one pixel's (<see cref="OaiqReplayRequest.PixelId"/>)
    /// or given ids (<see cref="OaiqReplayRequest.EventIds"/>), each to its own pixel or re-aimed at another
    /// (<see cref="OaiqReplayRequest.ToPixelId"/>, after a wrong Pixel ID was fixed). The matching rows go back to pending
    /// in one transaction (never taken: due at once; the pixel changed when asked; their last error cleared) and this
    /// process's dispatcher is woken; the event id and <c>timestamp_ms</c> stay, so the API deduplicates a resend (spec §5).
    /// </summary>
    /// <param name="request">Which dead letters, and where to.</param>
    /// <param name="cancellationToken">Cancels the statements (the transaction then rolls back: nothing changes).</param>
    /// <returns>
    /// Rows back to pending (<see cref="OaiqReplayResult.Replayed"/>); rows past the API's 7-day window
    /// (<c>ConversionEventRecord.MaxAge</c>), left as dead letters until <see cref="OaiqOutboxOptions.DeadLetterRetention"/>
    /// removes them (<see cref="OaiqReplayResult.TooOld"/>); requested ids with no dead letter (<see cref="OaiqReplayResult.NotFound"/>).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <see cref="OaiqReplayRequest.ToPixelId"/> is malformed or not one of the app's configured pixels
    /// (<see cref="OaiqReplayRequest.ThrowIfUnknownTarget"/>): nothing is replayed.
    /// </exception>
    /// <remarks>
    /// Safe with several instances: the update only matches rows still dead-lettered, so a row replayed by two instances
    /// at once is moved once (counted by the one that moved it). Queries the database: while it is down this throws what the provider throws.
    /// </remarks>
    Task<OaiqReplayResult> ReplayDeadLettersAsync(OaiqReplayRequest request, CancellationToken cancellationToken = default);
}
