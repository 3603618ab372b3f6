namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>
/// A durable store of Conversions API events that a development or admin page can show: what waits, what the API refused,
/// what went out. The transactional outbox (<c>OaiqPixel.EntityFrameworkCore</c>) registers one; the development page
/// (<c>OaiqPixel.Sandbox</c>) resolves every registered inspector and shows a panel for each, so neither package needs
/// the other.
/// </summary>
public interface IOaiqStoreInspector
{
    /// <summary>The store's name as a page titles it, e.g. <c>Outbox (the app's database)</c>.</summary>
    string Name { get; }

    /// <summary>Counts the store and lists its oldest waiting events, newest refused ones and latest deliveries.</summary>
    /// <param name="take">How many of each to list, 0–1,000.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The snapshot: detached copies.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="take"/> is negative or over 1,000.</exception>
    /// <remarks>May read a database: while it is down this throws what the store throws, and a page shows the error.</remarks>
    Task<OaiqStoreSnapshot> GetSnapshotAsync(int take, CancellationToken cancellationToken);
}
