namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>
/// A store of Conversions API events that a development or admin page can show: what waits, what the API refused,
/// what went out; and that sends its dead letters again once their cause is fixed. The transactional outbox
/// (<c>OaiqPixel.EntityFrameworkCore</c>) registers one; the development page (<c>OaiqPixel.Sandbox</c>) resolves every
/// registered inspector and shows a panel for each, so neither package needs the other. The built-in in-memory path has
/// one too, registered under the key <see cref="InMemoryKey"/> only (it is not durable: its dead letters are the recent
/// ones this process kept, <c>ConversionsApiOptions.MaxDeadLetters</c>).
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

    /// <summary>
    /// The service key of the in-memory path's inspector (<c>[FromKeyedServices(IOaiqStoreInspector.InMemoryKey)]</c>):
    /// the dead letters this process kept (<c>ConversionsApiOptions.MaxDeadLetters</c>), and its queue's count.
    /// </summary>
    const string InMemoryKey = "OaiqPixel.ConversionsApi.InMemory";

    /// <summary>
    /// Sends dead letters again, after their cause was fixed (a wrong Pixel ID, a missing field): all of them, those of one
    /// pixel, or those with given event ids, each to its own pixel or re-aimed at another
    /// (<see cref="OaiqReplayRequest.ToPixelId"/>). Each becomes pending again, with its event id and <c>timestamp_ms</c>
    /// unchanged (the API deduplicates a resend, spec §5), and is delivered as any new event is; one the API refuses again
    /// is a dead letter again.
    /// </summary>
    /// <param name="request">Which dead letters, and where to.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    /// <returns>
    /// How many were replayed, how many were too old to send (past the API's 7-day window,
    /// <c>ConversionEventRecord.MaxAge</c>: they stay dead letters), how many requested ids had no dead letter, and how
    /// many the store could not take back now.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <see cref="OaiqReplayRequest.ToPixelId"/> is malformed or not one of the app's configured pixels
    /// (<see cref="OaiqReplayRequest.ThrowIfUnknownTarget"/>): nothing is replayed.
    /// </exception>
    /// <remarks>
    /// The outbox moves the rows back to pending in one transaction; a row is replayed once even when several instances
    /// replay at the same time. May read a database: while it is down this throws what the store throws.
    /// </remarks>
    Task<OaiqReplayResult> ReplayDeadLettersAsync(OaiqReplayRequest request, CancellationToken cancellationToken);
}
