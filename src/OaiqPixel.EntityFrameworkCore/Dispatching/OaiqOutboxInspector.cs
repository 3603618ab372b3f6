using Microsoft.EntityFrameworkCore;
using OaiqPixel.AspNetCore.Diagnostics;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// <see cref="IOaiqOutbox"/>: the table's counts and rows, and what the dispatcher remembers delivering. Also the outbox as
/// a development or admin page sees any durable store (<see cref="IOaiqStoreInspector"/>): the same snapshot without the
/// records' JSON, so a page shows the outbox without referencing this package.
/// </summary>
internal sealed class OaiqOutboxInspector(IOutboxContextFactory contexts, OutboxStatus status, DeadLetterReplay replay) : IOaiqOutbox, IOaiqStoreInspector
{
    public string Name => "Outbox (the app's database)";

    public async Task<OaiqOutboxSnapshot> GetSnapshotAsync(int take = 20, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, 1000);
        await using var lease = contexts.Create();
        var set = lease.Context.Set<OaiqOutboxMessage>().AsNoTracking();
        var pendingCount = await set.LongCountAsync(m => m.State == OaiqOutboxMessageState.Pending, cancellationToken).ConfigureAwait(false);
        var deadCount = await set.LongCountAsync(m => m.State == OaiqOutboxMessageState.DeadLettered, cancellationToken).ConfigureAwait(false);
        var pending = await set.Where(m => m.State == OaiqOutboxMessageState.Pending).OrderBy(m => m.DueAt).ThenBy(m => m.Id).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
        var dead = await set.Where(m => m.State == OaiqOutboxMessageState.DeadLettered).OrderByDescending(m => m.Id).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = status.Read(take);
        return new OaiqOutboxSnapshot(pendingCount, deadCount, pending, dead, snapshot.Delivered, snapshot.Recent);
    }

    public Task<OaiqReplayResult> ReplayDeadLettersAsync(OaiqReplayRequest request, CancellationToken cancellationToken = default) =>
        replay.ReplayAsync(request, cancellationToken);

    async Task<OaiqStoreSnapshot> IOaiqStoreInspector.GetSnapshotAsync(int take, CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(take, cancellationToken).ConfigureAwait(false);
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
