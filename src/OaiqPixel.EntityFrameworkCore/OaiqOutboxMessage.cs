namespace OaiqPixel.EntityFrameworkCore;

/// <summary>
/// One conversion waiting in the outbox table (mapped by <c>modelBuilder.AddOaiqOutbox()</c>): the event's Conversions
/// API JSON exactly as it will be sent, written in the same transaction as the app's change that caused it, and the
/// dispatcher's bookkeeping (when it is due, who holds it, how often it was tried). A delivered record is deleted; a
/// dead letter stays, with the API's message, for <see cref="OaiqOutboxOptions.DeadLetterRetention"/>.
/// </summary>
/// <remarks>
/// Written by the outbox and read by its dispatcher; query it (for an admin page) but do not write it yourself. The JSON
/// carries the event's <c>oppref</c>, <c>source_url</c> and hashed user data, never a raw e-mail or the API key: treat the
/// table like your orders table. Times are stored as Unix milliseconds (a 64-bit integer), so every provider can compare
/// and index them.
/// </remarks>
public sealed class OaiqOutboxMessage
{
    /// <summary>The row's key, assigned by the database.</summary>
    public long Id { get; set; }

    /// <summary>The Pixel ID the event is sent for (the request's <c>pid</c>, spec §4.1).</summary>
    public string PixelId { get; set; } = string.Empty;

    /// <summary>The event id (the JSON's <c>id</c>, at most 256 characters): the key that deduplicates it with its pixel twin and any resend.</summary>
    public string EventId { get; set; } = string.Empty;

    /// <summary>The event name (the JSON's <c>type</c>, e.g. <c>order_created</c>, spec §3.1).</summary>
    public string EventType { get; set; } = string.Empty;

    /// <summary>When the event happened (the JSON's <c>timestamp_ms</c>): past the API's 7-day window the record is dropped.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The event object as the Conversions API receives it (spec §4.2), UTF-8 JSON.</summary>
    public byte[] Json { get; set; } = [];

    /// <summary>Pending delivery, or dead-lettered.</summary>
    public OaiqOutboxMessageState State { get; set; }

    /// <summary>When the record was written.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When a dispatcher may take it next: at once after it is written (a record no dispatcher took yet is due whatever
    /// this says), later after a failed try (the back-off), and the end of the lease while a dispatcher holds it (renewed
    /// while its round runs). Compared with the database's clock, and written from it.
    /// </summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>The claim of the dispatcher holding it (until <see cref="DueAt"/>), or <see langword="null"/> when no dispatcher does.</summary>
    public Guid? ClaimId { get; set; }

    /// <summary>How often a dispatcher has taken it to send.</summary>
    public int Attempts { get; set; }

    /// <summary>The HTTP status of the last refusal or failure, or <see langword="null"/> (none, or no answer).</summary>
    public int? LastStatusCode { get; set; }

    /// <summary>The API's message for the last refusal or failure (at most 500 characters, never the key), or <see langword="null"/>.</summary>
    public string? LastError { get; set; }

    /// <summary>When the API refused it (a dead letter), or <see langword="null"/>.</summary>
    public DateTimeOffset? DeadLetteredAt { get; set; }
}
