using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary><see cref="IOaiqOutbox"/>: the table's counts and rows, and what the dispatcher remembers delivering.</summary>
internal sealed class OaiqOutboxInspector(IOutboxContextFactory contexts, OutboxStatus status) : IOaiqOutbox
{
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
}
