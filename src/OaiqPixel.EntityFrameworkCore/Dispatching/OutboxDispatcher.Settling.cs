using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// The dispatcher's settling of rounds the database cut short: what they delivered is deleted first, what they still
/// hold is handed back at once, and what they were sending is left to the lease (see <see cref="HeldClaim"/>).
/// </summary>
internal sealed partial class OutboxDispatcher
{
    /// <summary>Keeps a round the database cut for settling, unless its send was cut (then the lease decides).</summary>
    private void Cut(HeldClaim held, string reason)
    {
        if (held.OutcomeUnknown)
        {
            // The API may have saved any of them: handing them back would let another instance send them again while
            // this one's lease still runs. They stay claimed; the lease's end is the only way they go out again.
            if (held.TryReportLeftToLease())
            {
                OutboxLog.LeftToLease(_logger, held.Count, reason, held.LeaseUntil);
            }

            return;
        }

        if (held.NothingSent || held.OutcomeKnown)
        {
            lock (_cutLock)
            {
                _cut.Add(held);
            }
        }

        // Otherwise a stop already handed them back.
    }

    /// <summary>
    /// Finishes rounds the database cut short, first thing once it answers: deletes what they delivered, then hands back
    /// what they still hold (at once, or at the back-off the API asked for), rather than leave it to the lease.
    /// </summary>
    private async Task SettleCutRoundsAsync()
    {
        HeldClaim[] cut;
        lock (_cutLock)
        {
            if (_cut.Count == 0)
            {
                return;
            }

            cut = [.. _cut];
        }

        await using var lease = _contexts.Create();
        var set = lease.Context.Set<OaiqOutboxMessage>();
        var released = 0;
        foreach (var held in cut)
        {
            released += await SettleAsync(set, held, CancellationToken.None).ConfigureAwait(false);
            lock (_cutLock)
            {
                _cut.Remove(held);
            }
        }

        if (released > 0)
        {
            OutboxLog.ReleasedAfterCut(_logger, released);
        }
    }

    /// <summary>
    /// Deletes the records <paramref name="held"/> delivered, then hands back the rest it still holds. Both statements
    /// only touch rows that still carry its claim (a record another dispatcher took over after the lease is left alone),
    /// and both may run again after a cut without harm.
    /// </summary>
    /// <returns>How many records were handed back.</returns>
    private async Task<int> SettleAsync(DbSet<OaiqOutboxMessage> set, HeldClaim held, CancellationToken cancellationToken)
    {
        var claim = held.Id;
        if (held.Delivered.Count > 0)
        {
            var delivered = held.Delivered.ToArray();
            var deleted = await set.Where(m => delivered.Contains(m.Id) && m.ClaimId == claim).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                OutboxLog.Delivered(_logger, deleted);
            }
        }

        var now = _time.GetUtcNow();
        var due = held.ReleaseDueAt is { } later && later > now ? later : now;
        return await set.Where(m => m.ClaimId == claim && m.State == OaiqOutboxMessageState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimId, (Guid?)null).SetProperty(m => m.DueAt, due), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// On a stop: settles what cut rounds and the round in flight hold, so the next dispatcher need not wait for the
    /// lease; a round whose send is under way keeps its records (the lease decides, see <see cref="Cut"/>).
    /// </summary>
    private async Task ReleaseAsync()
    {
        List<HeldClaim> held;
        lock (_cutLock)
        {
            held = [.. _cut];
        }

        // Still running only when the host's deadline ended the wait for the loop.
        if (_round is { } round)
        {
            if (round.TryGiveBack() || round.OutcomeKnown)
            {
                held.Add(round);
            }
            else if (round.OutcomeUnknown && round.TryReportLeftToLease())
            {
                OutboxLog.LeftToLease(_logger, round.Count, "the host stopped during the send", round.LeaseUntil);
            }
        }

        if (held.Count == 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var lease = _contexts.Create();
            var set = lease.Context.Set<OaiqOutboxMessage>();
            var released = 0;
            foreach (var claim in held)
            {
                released += await SettleAsync(set, claim, timeout.Token).ConfigureAwait(false);
            }

            if (released > 0)
            {
                OutboxLog.ReleasedOnStop(_logger, released);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The leases run out instead.
        }
    }
}
