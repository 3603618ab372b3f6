using System.Transactions;
using Microsoft.EntityFrameworkCore;
using OaiqPixel.AspNetCore.ConversionsApi;
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
            JoinSave(context, entry =>
            {
                entry.Message = OutboxMessages.Create(entry.Record, now);
                (messages ??= []).Add(entry.Message);
            });
        }

        return messages;
    }

    /// <summary>
    /// The interceptor's <c>SavingChanges</c> when the save runs in a transaction EF Core begins for it: the pending events
    /// join the save and are written as that transaction commits (<see cref="TakeDeferred"/>), not as tracked entities.
    /// </summary>
    /// <param name="context">The app's context being saved.</param>
    /// <param name="previous">The context's transaction behaviour before the interceptor asked for a transaction, restored by <see cref="EndDeferredSave"/>.</param>
    /// <returns>Whether any event was pending (when none was, nothing is changed).</returns>
    public bool DeferPending(DbContext context, AutoTransactionBehavior previous)
    {
        var any = false;
        lock (_lock)
        {
            JoinSave(context, entry =>
            {
                entry.Message = null;
                entry.Written = false;
                any = true;
            });

            if (any)
            {
                (_deferredSaves ??= [])[context] = previous;
            }
        }

        return any;
    }

    /// <summary>
    /// The interceptor's <c>TransactionCommitting</c>: the records of <paramref name="context"/>'s save that wait for its
    /// transaction's commit, to be written in it now; <see langword="null"/> when none does.
    /// </summary>
    public List<ConversionEventRecord>? TakeDeferred(DbContext context)
    {
        List<ConversionEventRecord>? records = null;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State == OutboxEntryState.InSave && entry.Message is null && ReferenceEquals(entry.Context, context))
                {
                    // Written again if an execution strategy retries the save in a new transaction.
                    entry.Written = true;
                    (records ??= []).Add(entry.Record);
                }
            }
        }

        return records;
    }

    /// <summary>The end of a save <see cref="DeferPending"/> took part in: the context's transaction behaviour to restore, if it did.</summary>
    public AutoTransactionBehavior? EndDeferredSave(DbContext context)
    {
        lock (_lock)
        {
            return _deferredSaves is not null && _deferredSaves.Remove(context, out var previous) ? previous : null;
        }
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

                if (entry.Message is null && !entry.Written)
                {
                    // The save executed no command (nothing of the app's changed), so no transaction carried it: it
                    // waits for the next save, or is saved on its own when the request settles.
                    entry.State = OutboxEntryState.Pending;
                    entry.Context = null;
                    continue;
                }

                if (!decided)
                {
                    transactionId = context.Database.CurrentTransaction?.TransactionId;
                    ambient = transactionId is null ? Transaction.Current : null;
                    decided = true;
                }

                // The rows are written; the app's change tracker need not keep them (nor write them again).
                if (entry.Message is { } message)
                {
                    context.Entry(message).State = EntityState.Detached;
                }

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
                    if (entry.Message is { } message)
                    {
                        context.Entry(message).State = EntityState.Detached;
                    }

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

    /// <summary>Marks the pending events as joining <paramref name="context"/>'s save, each then set up by <paramref name="join"/>. Called under the lock.</summary>
    private void JoinSave(DbContext context, Action<OutboxEntry> join)
    {
        foreach (var entry in _entries)
        {
            if (entry.State != OutboxEntryState.Pending)
            {
                continue;
            }

            entry.State = OutboxEntryState.InSave;
            entry.Context = context;
            join(entry);
        }
    }

    /// <summary>Whether an event waits for a save: a save in a request whose events are all written needs no work.</summary>
    public bool HasPending
    {
        get
        {
            lock (_lock)
            {
                foreach (var entry in _entries)
                {
                    if (entry.State == OutboxEntryState.Pending)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }
}
