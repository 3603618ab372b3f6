using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Settles claims whose round did not finish: rounds the database cut short (settled first thing once it answers again)
/// and the claims a stopping dispatcher still holds. What they delivered is deleted first, what they still hold is handed
/// back at once, and what they were sending is left to the lease (see <see cref="HeldClaim"/>).
/// </summary>
internal sealed class ClaimSettler(IOutboxContextFactory contexts, DatabaseClock clock, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly List<HeldClaim> _cut = [];

    /// <summary>Keeps a round the database cut for settling, unless its send was cut (then the lease decides).</summary>
    public void Cut(HeldClaim held, string reason)
    {
        if (held.OutcomeUnknown)
        {
            // The API may have saved any of them: handing them back would let another instance send them again while
            // this one's lease still runs. They stay claimed; the lease's end is the only way they go out again.
            ReportLeftToLease(held, reason);
            return;
        }

        if (held.NothingSent || held.OutcomeKnown)
        {
            lock (_lock)
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
    public async Task SettleCutRoundsAsync()
    {
        HeldClaim[] cut;
        lock (_lock)
        {
            if (_cut.Count == 0)
            {
                return;
            }

            cut = [.. _cut];
        }

        var released = await SettleAllAsync(cut, CancellationToken.None).ConfigureAwait(false);
        lock (_lock)
        {
            _cut.RemoveAll(cut.Contains);
        }

        if (released > 0)
        {
            OutboxLog.ReleasedAfterCut(logger, released);
        }
    }

    /// <summary>
    /// On a stop: settles what cut rounds and the round in flight (<paramref name="current"/>) hold, so the next
    /// dispatcher need not wait for the lease; a round whose send is under way keeps its records (the lease decides).
    /// </summary>
    public async Task ReleaseAsync(HeldClaim? current)
    {
        List<HeldClaim> held;
        lock (_lock)
        {
            held = [.. _cut];
        }

        // Still running only when the host's deadline ended the wait for the loop.
        if (current is { } round)
        {
            if (round.TryGiveBack() || round.OutcomeKnown)
            {
                held.Add(round);
            }
            else if (round.OutcomeUnknown)
            {
                ReportLeftToLease(round, "the host stopped during the send");
            }
        }

        if (held.Count == 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var released = await SettleAllAsync(held, timeout.Token).ConfigureAwait(false);
            if (released > 0)
            {
                OutboxLog.ReleasedOnStop(logger, released);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The leases run out instead.
        }
    }

    private void ReportLeftToLease(HeldClaim held, string reason)
    {
        if (held.TryReportLeftToLease())
        {
            OutboxLog.LeftToLease(logger, held.Count, reason, held.LeaseUntil);
        }
    }

    private async Task<int> SettleAllAsync(IEnumerable<HeldClaim> claims, CancellationToken cancellationToken)
    {
        await using var lease = contexts.Create();
        var released = 0;
        foreach (var held in claims)
        {
            released += await SettleAsync(lease.Context, held, cancellationToken).ConfigureAwait(false);
        }

        return released;
    }

    /// <summary>
    /// Deletes the records <paramref name="held"/> delivered, then hands back the rest it still holds. Both statements
    /// only touch rows that still carry its claim (a record another dispatcher took over after the lease is left alone),
    /// and both may run again after a cut without harm.
    /// </summary>
    /// <returns>How many records were handed back.</returns>
    private async Task<int> SettleAsync(DbContext context, HeldClaim held, CancellationToken cancellationToken)
    {
        var set = context.Set<OaiqOutboxMessage>();
        var claim = held.Id;
        if (held.Delivered.Count > 0)
        {
            var delivered = held.Delivered.ToArray();
            var deleted = await set.Where(m => delivered.Contains(m.Id) && m.ClaimId == claim).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                OutboxLog.Delivered(logger, deleted);
            }
        }

        var now = await clock.ReadAsync(context, cancellationToken).ConfigureAwait(false);
        var due = held.ReleaseDueAt is { } later && later > now ? later : now;
        return await set.Where(m => m.ClaimId == claim && m.State == OaiqOutboxMessageState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimId, (Guid?)null).SetProperty(m => m.DueAt, due), cancellationToken).ConfigureAwait(false);
    }
}
