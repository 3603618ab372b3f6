namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>What <see cref="IOaiqStoreInspector.ReplayDeadLettersAsync"/> did: counts of dead letters (records, one per pixel) and of ids.</summary>
/// <param name="replayed">Dead letters handed back to be sent (pending again); they are delivered as any new event is.</param>
/// <param name="tooOld">
/// Dead letters not sent because their event is older than the Conversions API accepts
/// (<c>ConversionEventRecord.MaxAge</c>: the API's 7-day window on <c>timestamp_ms</c>, spec §4.2, less 10 minutes); they stay dead letters.
/// </param>
/// <param name="notFound">Ids of <see cref="OaiqReplayRequest.EventIds"/> with no dead letter (for the request's pixel); 0 when no ids were given.</param>
/// <param name="notTaken">
/// Dead letters the store could not take back now (the in-memory queue full or stopping, or no key for the pixel); they
/// stay dead letters, to replay later. Always 0 for the outbox.
/// </param>
public sealed class OaiqReplayResult(int replayed, int tooOld, int notFound, int notTaken)
{
    /// <summary>Dead letters handed back to be sent.</summary>
    public int Replayed { get; } = replayed;

    /// <summary>Dead letters past the API's 7-day window: not sent, still dead letters.</summary>
    public int TooOld { get; } = tooOld;

    /// <summary>Requested event ids with no dead letter.</summary>
    public int NotFound { get; } = notFound;

    /// <summary>Dead letters the store could not take back now; still dead letters.</summary>
    public int NotTaken { get; } = notTaken;

    /// <summary>The counts, for logs and pages.</summary>
    /// <returns>E.g. <c>1 replayed, 0 too old, 0 not found, 0 not taken</c>.</returns>
    public override string ToString() => $"{Replayed} replayed, {TooOld} too old, {NotFound} not found, {NotTaken} not taken";
}
