namespace OaiqPixel.EntityFrameworkCore;

/// <summary>
/// Reads the outbox's state (registered by <c>AddEntityFrameworkOutbox&lt;TContext&gt;()</c>), for an admin page or the
/// development sandbox.
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
}
