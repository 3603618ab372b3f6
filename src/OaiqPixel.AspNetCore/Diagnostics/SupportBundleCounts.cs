namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>What the server leg counted since the process started (the <c>oaiq.events.*</c> counters' totals).</summary>
/// <param name="Queued">Events in the in-memory queue now.</param>
/// <param name="Enqueued">Events accepted into the in-memory queue.</param>
/// <param name="Delivered">Events the Conversions API accepted (from the queue and the outbox).</param>
/// <param name="Failed">Events in requests that failed after retries, each try counted (kept and retried).</param>
/// <param name="DeadLettered">Events the API refused on their own (dead-lettered).</param>
/// <param name="Dropped">Events given up on, by reason (<c>oaiq.drop.reason</c>: <c>queue_full</c>, <c>invalid</c>, <c>dead_letter</c>, <c>bot</c>, …).</param>
internal sealed record SupportBundleCounts(
    long Queued,
    long Enqueued,
    long Delivered,
    long Failed,
    long DeadLettered,
    IReadOnlyDictionary<string, long> Dropped);
