using Microsoft.EntityFrameworkCore;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>One event a request handed to the outbox, and what became of its record so far.</summary>
internal sealed class OutboxEntry(ConversionEvent conversionEvent, ConversionEventRecord record)
{
    public ConversionEvent Event { get; } = conversionEvent;

    public ConversionEventRecord Record { get; } = record;

    public OutboxEntryState State { get; set; }

    /// <summary>The app's context whose <c>SaveChanges</c> took it.</summary>
    public DbContext? Context { get; set; }

    /// <summary>
    /// The row added to that <c>SaveChanges</c> as a tracked entity, or <see langword="null"/> when the save writes it with
    /// <see cref="OutboxInsert"/> as its transaction commits.
    /// </summary>
    public OaiqOutboxMessage? Message { get; set; }

    /// <summary>Whether <see cref="OutboxInsert"/> wrote it in the save's transaction (which may still fail to commit).</summary>
    public bool Written { get; set; }

    /// <summary>The transaction (EF Core's id) it was written in.</summary>
    public Guid? TransactionId { get; set; }
}
