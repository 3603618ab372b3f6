using System.Transactions;
using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>The request session's side of the interceptor: what the app's saves and transactions do to its records.</summary>
internal sealed partial class OutboxRequestSession
{
    /// <summary>
    /// The interceptor's <c>SavingChanges</c>: the rows of the pending events, which the app's save writes in its own
    /// transaction; <see langword="null"/> when none is pending.
    /// </summary>
    public List<OaiqOutboxMessage>? AttachPending(DbContext context)
    {
        var now = _services.Time.GetUtcNow();
        List<OaiqOutboxMessage>? messages = null;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State != OutboxEntryState.Pending)
                {
                    continue;
                }

                entry.State = OutboxEntryState.InSave;
                entry.Context = context;
                entry.Message = OutboxMessages.Create(entry.Record, now);
                (messages ??= []).Add(entry.Message);
            }
        }

        return messages;
    }

    /// <summary>The interceptor's <c>SavedChanges</c>: committed now (no transaction), or when the transaction does.</summary>
    public void OnSaved(DbContext context)
    {
        var committed = 0;
        Transaction? ambient = null;
        lock (_lock)
        {
            Guid? transactionId = null;
            var decided = false;
            foreach (var entry in _entries)
            {
                if (entry.State != OutboxEntryState.InSave || !ReferenceEquals(entry.Context, context))
                {
                    continue;
                }

                if (!decided)
                {
                    transactionId = context.Database.CurrentTransaction?.TransactionId;
                    ambient = transactionId is null ? Transaction.Current : null;
                    decided = true;
                }

                // The rows are written; the app's change tracker need not keep them (nor write them again).
                context.Entry(entry.Message!).State = EntityState.Detached;
                if (transactionId is { } id)
                {
                    entry.State = OutboxEntryState.AwaitingCommit;
                    entry.TransactionId = id;
                }
                else if (ambient is not null)
                {
                    entry.State = OutboxEntryState.AwaitingAmbient;
                }
                else
                {
                    entry.State = OutboxEntryState.Committed;
                    committed++;
                }
            }
        }

        if (ambient is not null)
        {
            ambient.TransactionCompleted += OnAmbientCompleted;
        }

        Committed(committed);
    }

    /// <summary>The interceptor's <c>SaveChangesFailed</c> and <c>SaveChangesCanceled</c>: the save wrote nothing, so both legs are dropped.</summary>
    public void OnSaveFailed(DbContext context, string reason)
    {
        List<OutboxEntry>? dropped = null;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State == OutboxEntryState.InSave && ReferenceEquals(entry.Context, context))
                {
                    // Detached, so a retried SaveChanges on the same context does not write them after all.
                    context.Entry(entry.Message!).State = EntityState.Detached;
                    entry.State = OutboxEntryState.Dropped;
                    (dropped ??= []).Add(entry);
                }
            }
        }

        Dropped(dropped, reason);
    }

    /// <summary>The interceptor's <c>TransactionCommitted</c>.</summary>
    public void OnCommitted(Guid transactionId)
    {
        var committed = 0;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State == OutboxEntryState.AwaitingCommit && entry.TransactionId == transactionId)
                {
                    entry.State = OutboxEntryState.Committed;
                    committed++;
                }
            }
        }

        Committed(committed);
    }

    /// <summary>The interceptor's <c>TransactionRolledBack</c>, or a failed commit.</summary>
    public void OnRolledBack(Guid transactionId, string reason)
    {
        List<OutboxEntry>? dropped = null;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State == OutboxEntryState.AwaitingCommit && entry.TransactionId == transactionId)
                {
                    entry.State = OutboxEntryState.Dropped;
                    (dropped ??= []).Add(entry);
                }
            }
        }

        Dropped(dropped, reason);
    }

    /// <summary>
    /// The interceptor's <c>RolledBackToSavepoint</c>: the rows written after that savepoint are gone. Which ones is not
    /// in the event, so the transaction's rows are looked up; those missing are dropped.
    /// </summary>
    public void OnRolledBackToSavepoint(DbContext context, Guid transactionId)
    {
        List<long>? ids = null;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State == OutboxEntryState.InSave && ReferenceEquals(entry.Context, context))
                {
                    // EF Core's own savepoint, rolled back inside a failing SaveChanges: SaveChangesFailed settles it,
                    // and the context cannot be queried in the middle of its save.
                    return;
                }

                if (entry.State == OutboxEntryState.AwaitingCommit && entry.TransactionId == transactionId)
                {
                    (ids ??= []).Add(entry.Message!.Id);
                }
            }
        }

        if (ids is null)
        {
            return;
        }

        HashSet<long> remaining;
        try
        {
            remaining = [.. context.Set<OaiqOutboxMessage>().AsNoTracking().Where(m => ids.Contains(m.Id)).Select(m => m.Id)];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Cannot tell: the commit decides, as without a savepoint.
            return;
        }

        List<OutboxEntry>? dropped = null;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State == OutboxEntryState.AwaitingCommit && entry.TransactionId == transactionId && !remaining.Contains(entry.Message!.Id))
                {
                    entry.State = OutboxEntryState.Dropped;
                    (dropped ??= []).Add(entry);
                }
            }
        }

        Dropped(dropped, "the transaction rolled back to a savepoint taken before them");
    }

    private void OnAmbientCompleted(object? sender, TransactionEventArgs e)
    {
        var committed = e.Transaction?.TransactionInformation.Status == TransactionStatus.Committed;
        var count = 0;
        List<OutboxEntry>? dropped = null;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State != OutboxEntryState.AwaitingAmbient)
                {
                    continue;
                }

                entry.State = committed ? OutboxEntryState.Committed : OutboxEntryState.Dropped;
                if (committed)
                {
                    count++;
                }
                else
                {
                    (dropped ??= []).Add(entry);
                }
            }
        }

        Committed(count);
        Dropped(dropped, "the ambient transaction did not commit");
    }
}
