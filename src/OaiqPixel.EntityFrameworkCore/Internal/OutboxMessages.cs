using System.Runtime.InteropServices;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>Turns a record into the row that keeps it, and back.</summary>
internal static class OutboxMessages
{
    /// <summary>The row of a new record, due at once.</summary>
    public static OaiqOutboxMessage Create(ConversionEventRecord record, DateTimeOffset now) => new()
    {
        PixelId = record.PixelId,
        EventId = record.Id,
        EventType = record.EventType,
        OccurredAt = record.Timestamp,
        // The record's bytes are immutable: keep its array rather than copy it.
        Json = MemoryMarshal.TryGetArray(record.Json, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : record.Json.ToArray(),
        State = OaiqOutboxMessageState.Pending,
        CreatedAt = now,
        DueAt = now,
    };
}
