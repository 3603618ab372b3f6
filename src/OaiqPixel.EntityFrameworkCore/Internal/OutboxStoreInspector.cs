using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>
/// The outbox as a development or admin page sees any durable store (<see cref="IOaiqStoreInspector"/>): the snapshot of
/// <see cref="IOaiqOutbox"/> without the records' JSON, so a page shows the outbox without referencing this package.
/// </summary>
internal sealed class OutboxStoreInspector(IOaiqOutbox outbox) : IOaiqStoreInspector
{
    public string Name => "Outbox (the app's database)";

    public async Task<OaiqStoreSnapshot> GetSnapshotAsync(int take, CancellationToken cancellationToken)
    {
        var snapshot = await outbox.GetSnapshotAsync(take, cancellationToken).ConfigureAwait(false);
        return new OaiqStoreSnapshot(
            snapshot.PendingCount,
            snapshot.DeadLetteredCount,
            snapshot.DeliveredCount,
            [.. snapshot.Pending.Select(m => Entry(m, m.DueAt))],
            [.. snapshot.DeadLettered.Select(m => Entry(m, m.DeadLetteredAt))],
            [.. snapshot.RecentlyDelivered.Select(d => new OaiqStoredEvent(d.EventId, d.EventType) { At = d.DeliveredAt })]);
    }

    private static OaiqStoredEvent Entry(OaiqOutboxMessage message, DateTimeOffset? at) => new(message.EventId, message.EventType)
    {
        PixelId = message.PixelId,
        At = at,
        Attempts = message.Attempts,
        IsHeld = message.State == OaiqOutboxMessageState.Pending && message.ClaimId is not null,
        LastStatusCode = message.LastStatusCode,
        LastError = message.LastError,
    };
}
