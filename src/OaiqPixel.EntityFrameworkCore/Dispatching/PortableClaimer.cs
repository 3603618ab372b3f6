using Microsoft.EntityFrameworkCore;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Claims with portable statements (any relational provider): read the due ids, mark them with a conditional update that
/// only matches rows still due (one another dispatcher marked in between is skipped), then read back the rows carrying
/// this claim. Concurrent dispatchers may get fewer rows each, never the same row.
/// </summary>
internal sealed class PortableClaimer(DatabaseClock clock) : IOutboxClaimer
{
    public string Method => "a conditional update (portable)";

    public async Task<ClaimedBatch> ClaimAsync(DbContext context, Guid claim, TimeSpan lease, int take, CancellationToken cancellationToken)
    {
        var set = context.Set<OaiqOutboxMessage>();
        var now = await clock.ReadAsync(context, cancellationToken).ConfigureAwait(false);
        var leaseUntil = now + lease;

        // Never taken before: due at once, whatever the writing instance's clock said (it may run ahead of the database's).
        var candidates = await set.AsNoTracking()
            .Where(m => m.State == OaiqOutboxMessageState.Pending && (m.Attempts == 0 || m.DueAt <= now))
            .OrderBy(m => m.DueAt).ThenBy(m => m.Id)
            .Take(take)
            .Select(m => new { m.Id, m.ClaimId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0)
        {
            return new ClaimedBatch(now, []);
        }

        var ids = candidates.ConvertAll(c => c.Id);
        var marked = await set
            .Where(m => ids.Contains(m.Id) && m.State == OaiqOutboxMessageState.Pending && (m.Attempts == 0 || m.DueAt <= now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(m => m.ClaimId, claim).SetProperty(m => m.DueAt, leaseUntil).SetProperty(m => m.Attempts, m => m.Attempts + 1),
                cancellationToken).ConfigureAwait(false);
        if (marked == 0)
        {
            return new ClaimedBatch(now, []);
        }

        var previous = candidates.ToDictionary(c => c.Id, c => c.ClaimId);
        // Only the columns a round uses, into no entity.
        var rows = await set
            .Where(m => ids.Contains(m.Id) && m.ClaimId == claim)
            .OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.PixelId, m.EventId, m.EventType, m.OccurredAt, m.Json })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new ClaimedBatch(now, rows.ConvertAll(m => new ClaimedMessage(m.Id, m.PixelId, m.EventId, m.EventType, m.OccurredAt, m.Json, previous[m.Id] is not null)));
    }
}
