namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// The one rule of the verification: compares what this app rendered and delivered for a pixel (<see cref="LegLedger"/>)
/// with what one read of its events stream listed, per leg and event type, over the window the stream covers.
/// </summary>
/// <remarks>
/// The stream lists about 50 events of the last 15 minutes (spec §4.10): the window starts 14 minutes back (a minute of
/// margin), or at the oldest listed event when the stream is full, and ends <see cref="SettleDelay"/> ago, so an event
/// still on its way is not counted as missing. Rows are paired with events by event id where the stream's rows carry
/// one, and counted per event type otherwise.
/// </remarks>
internal static class LegComparison
{
    /// <summary>How far back the stream is trusted to list events: its 15 minutes less a minute of margin.</summary>
    public static readonly TimeSpan StreamSpan = TimeSpan.FromMinutes(14);

    /// <summary>How long after it was rendered or delivered an event is first expected in the stream.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromMinutes(1);

    /// <summary>Where the compared window starts, Unix milliseconds: what to ask the ledger for.</summary>
    public static long WindowStart(IReadOnlyList<StreamRow> rows, long nowMs)
    {
        var start = nowMs - (long)StreamSpan.TotalMilliseconds;
        // Rows stamped after the read (a skewed or broken clock) cover nothing here: they must not empty the window.
        if (rows.Count >= EventStreamClient.Limit && rows.Where(r => r.EventTimeMs <= nowMs).Select(static r => r.EventTimeMs!.Value).DefaultIfEmpty(start).Min() is var oldest && oldest > start)
        {
            // A full stream may have cut older events off: compare only what it still covers.
            start = oldest;
        }

        return start;
    }

    /// <summary>Compares <paramref name="entries"/> (from <see cref="WindowStart"/> on) with <paramref name="rows"/>.</summary>
    /// <param name="entries">The pixel's kept events from the window's start.</param>
    /// <param name="rows">The stream's rows of the same read.</param>
    /// <param name="nowMs">When the stream was read, Unix milliseconds.</param>
    /// <param name="minimumEvents">Events none of which arrived before a leg counts as stopped.</param>
    /// <param name="streamReportsServerLeg">Whether the pixel's stream has ever listed a <c>server_to_server</c> row.</param>
    /// <returns>One result per leg and event type with at least one expected event, the pixel leg first, then by event type.</returns>
    public static List<OaiqLegVerification> Compare(IReadOnlyList<LedgerEntry> entries, IReadOnlyList<StreamRow> rows, long nowMs, int minimumEvents, bool streamReportsServerLeg)
    {
        var start = WindowStart(rows, nowMs);
        var end = nowMs - (long)SettleDelay.TotalMilliseconds;
        var results = new List<OaiqLegVerification>();
        var expected = entries.Where(e => e.EventTimeMs >= start && e.LedgeredAtMs <= end)
            .GroupBy(static e => (e.Leg, e.EventType))
            .OrderBy(static g => g.Key.Leg).ThenBy(static g => g.Key.EventType, StringComparer.Ordinal);
        foreach (var group in expected)
        {
            var (leg, type) = group.Key;
            var legRows = rows.Where(r => r.Leg == leg).ToList();
            var ids = legRows.Where(static r => r.EventId is not null).Select(static r => r.EventId!).ToHashSet(StringComparer.Ordinal);
            var count = group.Select(static e => e.EventId).Distinct(StringComparer.Ordinal).Count();
            var arrived = ids.Count > 0
                ? group.Select(static e => e.EventId).Distinct(StringComparer.Ordinal).Count(ids.Contains)
                : Math.Min(count, legRows.Count(r => string.Equals(r.EventType, type, StringComparison.Ordinal) && (r.EventTimeMs is not { } t || (t >= start && t <= end))));
            var status = leg == OaiqVerificationLeg.Server && !streamReportsServerLeg ? OaiqLegStatus.NotReported
                : arrived > 0 ? OaiqLegStatus.Arriving
                : count >= minimumEvents ? OaiqLegStatus.Stopped
                : OaiqLegStatus.Inconclusive;
            results.Add(new OaiqLegVerification(leg, type, count, arrived, status));
        }

        return results;
    }
}
