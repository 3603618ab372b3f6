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

    /// <summary>The row added to that <c>SaveChanges</c>.</summary>
    public OaiqOutboxMessage? Message { get; set; }

    /// <summary>The transaction (EF Core's id) it was written in.</summary>
    public Guid? TransactionId { get; set; }
}
