using System.Runtime.InteropServices;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>Turns a record into the row that keeps it.</summary>
internal static class OutboxMessages
{
    /// <summary>The row of a new record, due at once.</summary>
    public static OaiqOutboxMessage Create(ConversionEventRecord record, DateTimeOffset now) => new()
    {
        PixelId = record.PixelId,
        EventId = record.Id,
        EventType = record.EventType,
        OccurredAt = record.Timestamp,
        Json = Bytes(record.Json),
        State = OaiqOutboxMessageState.Pending,
        CreatedAt = now,
        DueAt = now,
    };

    /// <summary>The record's bytes are immutable: its array is kept rather than copied.</summary>
    public static byte[] Bytes(ReadOnlyMemory<byte> json) =>
        MemoryMarshal.TryGetArray(json, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : json.ToArray();
}
