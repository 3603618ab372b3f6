namespace OaiqPixel.EntityFrameworkCore;

/// <summary>
/// Settings of the transactional outbox, bound from <c>Oaiq:Outbox</c>. The Conversions API settings it sends with
/// (key, batch size, retries, back-off, flush interval) are the server leg's own, <c>Oaiq:ConversionsApi</c>.
/// </summary>
public sealed class OaiqOutboxOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Oaiq:Outbox";

    /// <summary>
    /// Whether the view events (<c>page_viewed</c>, <c>contents_viewed</c>) go through the outbox too. They are many, cheap
    /// to lose and carried by the pixel as well, so by default they keep the in-memory queue and only conversions (every
    /// other event) are written to the database. The default is <see langword="false"/>.
    /// </summary>
    public bool IncludeViewEvents { get; set; }

    /// <summary>
    /// Decides per event whether it goes through the outbox (<see langword="true"/>) or the in-memory queue, instead of
    /// <see cref="IncludeViewEvents"/> (code only). Called on the request's thread: keep it quick. The default is none.
    /// </summary>
    public Func<ConversionEvent, bool>? EventFilter { get; set; }

    /// <summary>Whether this instance runs the dispatcher. Turn it off on instances that only write (a web farm where workers deliver). The default is <see langword="true"/>.</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>The most records a dispatcher takes in one round, 1–10,000. The default is 1,000.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// How long a dispatcher's claim on the records it took lasts without renewal. The round renews it every third of
    /// this while it runs (however long its requests take), so it only has to outlast a stalled renewal; when the
    /// dispatcher's process dies, another instance takes its records over at most this long after its last renewal, and
    /// sends them again with the same ids (the API deduplicates). Judged by the database's clock (SQLite, PostgreSQL), so
    /// an instance whose clock runs ahead cannot take over a live claim. At least 1 second. The default is 15 seconds:
    /// with the default <see cref="PollInterval"/>, a dead process's records are delivered within about 20 seconds of the
    /// API being reachable.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the dispatcher looks for due records when nothing wakes it (a commit in this process wakes it at once):
    /// records written by other instances, and retries. At least 10 milliseconds. The default is 5 seconds.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a dead letter is kept (with the API's message) before it is deleted. At least 1 minute. The default is 30 days.</summary>
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How often the dispatcher deletes expired dead letters (<see cref="DeadLetterRetention"/>) and counts the table. At
    /// least 1 second. The default is 1 minute. Records past the API's 7-day window are not this cleanup's: the delivery
    /// drops them when a round claims them (log 111), and the round deletes their rows.
    /// </summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest the dispatcher waits before trying again while the database is unreachable. At least 10 milliseconds. The default is 30 seconds.</summary>
    public TimeSpan MaxDatabaseRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
