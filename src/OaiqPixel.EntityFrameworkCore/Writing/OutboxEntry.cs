using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>One event a request handed to the outbox, and what became of its record so far.</summary>
internal sealed class OutboxEntry(ConversionEvent conversionEvent, ConversionEventRecord record)
{
    public ConversionEvent Event { get; } = conversionEvent;

    public ConversionEventRecord Record { get; } = record;

    public OutboxEntryState State { get; set; }

    /// <summary>The app's save it joined (and stays with while that save is retried), or <see langword="null"/> before any.</summary>
    public OutboxSave? Save { get; set; }

    /// <summary>
    /// Its row as a tracked entity of the last save that wrote it that way (its key read back), or <see langword="null"/>
    /// when that save writes it with <see cref="OutboxInsert"/> as its transaction commits.
    /// </summary>
    public OaiqOutboxMessage? Message { get; set; }
}
