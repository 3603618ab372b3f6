using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// What the app's saves and transactions do to one request's events, by one rule: a tracked event joins the app's next save
/// of a context of the outbox's type and stays with the app's changes that save was writing — it commits with them, a
/// rollback or failure takes it back, a later save (of any context of that type) writing all of them again is a retry and
/// carries it again (<see cref="AppChanges"/> says which changes are the same), and a save of that context without them
/// (or the end of the endpoint) means the app gave up: it is dropped.
/// </summary>
/// <remarks>Called by <see cref="OutboxInterceptor"/> from EF Core's own callbacks; state changes are under the session's lock.</remarks>
internal sealed class OutboxAppSaves(OutboxRequestSession session, OutboxSaveOutcomes outcomes, OutboxStore store)
{
    private readonly Dictionary<DbContext, OutboxSave> _running = new(ReferenceEqualityComparer.Instance);

    /// <summary>Whether a save has anything to decide: an event waiting for a save, or a failed save it may retry or give up.</summary>
    public bool HasWork()
    {
        lock (session.Sync)
        {
            return session.Entries.Exists(e => e.State == OutboxEntryState.Pending) || outcomes.Open.Exists(IsFailed);
        }
    }

    /// <summary>
    /// The interceptor's <c>SavingChanges</c>: a failed save whose changes this save writes again is retried (its events
    /// join this save, whichever context of the app's type runs it), the other failed saves of this context are dropped,
    /// and the pending events join.
    /// </summary>
    public void Begin(DbContext context)
    {
        List<OutboxEntry>? givenUp = null;
        List<OaiqOutboxMessage>? messages = null;
        OutboxSave? save = null;
        lock (session.Sync)
        {
            var changes = AppChanges.Of(context);
            OutboxSave? retried = null;
            foreach (var failed in outcomes.Open.FindAll(IsFailed))
            {
                if (changes.Retries(failed.Changes))
                {
                    outcomes.Open.Remove(failed);
                    if (retried is null)
                    {
                        retried = failed;
                    }
                    else
                    {
                        retried.Entries.AddRange(failed.Entries);
                    }
                }
                else if (ReferenceEquals(failed.Context, context))
                {
                    outcomes.Open.Remove(failed);
                    failed.SetState(OutboxEntryState.Dropped);
                    (givenUp ??= []).AddRange(failed.Entries);
                }

                // A failed save of another context this save does not retry: that context may still save its changes again.
            }

            var pending = session.Entries.FindAll(e => e.State == OutboxEntryState.Pending);
            if (retried is not null || pending.Count > 0)
            {
                save = retried ?? new OutboxSave(context, changes, []);
                save.Rejoin(context, changes, pending);
                outcomes.Open.Add(save);
                _running[context] = save;
                messages = Prepare(save);
            }
        }

        store.ReportDropped(givenUp, "the app saved other changes without the ones their failed save was writing");
        if (save is null)
        {
            return;
        }

        if (messages is not null)
        {
            context.Set<OaiqOutboxMessage>().AddRange(messages);
        }

        var handler = save.FailedHandler = (_, e) => Failed(context, "SaveChanges threw " + e.Exception.GetType().Name);
        context.SaveChangesFailed += handler;
    }

    /// <summary>The interceptor's <c>TransactionCommitting</c>: the records to write in that transaction now, or <see langword="null"/>.</summary>
    public List<ConversionEventRecord>? TakeAtCommit(DbContext context, Guid transactionId)
    {
        lock (session.Sync)
        {
            if (!_running.TryGetValue(context, out var save) || save.Mode != OutboxSaveMode.AtCommit || save.State != OutboxEntryState.InSave)
            {
                return null;
            }

            // Written again if an execution strategy retries the save in a new transaction.
            save.TransactionId = transactionId;
            return [.. save.Entries.Select(e => e.Record)];
        }
    }

    /// <summary>
    /// The interceptor's <c>SavedChanges</c>: committed now, or when the app's transaction commits; or, when the app turned
    /// EF Core's transactions off, the events whose records are to be written now (<see cref="OutboxAfterSave"/>).
    /// </summary>
    public List<OutboxEntry>? Saved(DbContext context)
    {
        var committed = 0;
        Transaction? ambient = null;
        OutboxSave? save;
        lock (session.Sync)
        {
            if (!End(context, out save) || save.State != OutboxEntryState.InSave)
            {
                return null;
            }

            if (save.Mode == OutboxSaveMode.AfterSave)
            {
                outcomes.Open.Remove(save);
                return save.Entries;
            }

            if (save.Mode == OutboxSaveMode.AtCommit)
            {
                // No transaction committed them, so the save ran no command: they wait for the next save.
                outcomes.Open.Remove(save);
                foreach (var entry in save.Entries)
                {
                    entry.State = OutboxEntryState.Pending;
                    entry.Save = null;
                }

                return null;
            }

            if (context.Database.CurrentTransaction is { } transaction)
            {
                save.TransactionId = transaction.TransactionId;
                save.SetState(OutboxEntryState.AwaitingCommit);
            }
            else if (Transaction.Current is { } current)
            {
                ambient = current;
                save.SetState(OutboxEntryState.AwaitingAmbient);
            }
            else
            {
                committed = outcomes.Commit(save);
            }
        }

        if (ambient is not null)
        {
            ambient.TransactionCompleted += (_, e) => outcomes.AmbientCompleted(save, e.Transaction);
        }

        store.ReportCommitted(committed);
        return null;
    }

    /// <summary>The context's <c>SaveChangesFailed</c> event (every failure, a concurrency one included) and the interceptor's <c>SaveChangesCanceled</c>.</summary>
    public void Failed(DbContext context, string reason)
    {
        List<OutboxEntry>? dropped = null;
        lock (session.Sync)
        {
            if (End(context, out var save) && save.State == OutboxEntryState.InSave)
            {
                // Now, while the change tracker still holds the changes that failed: a retry is compared with them.
                save.Changes.Describe();
                dropped = outcomes.Fail(save);
            }
        }

        store.ReportDropped(dropped, reason);
    }

    /// <summary>Whether <paramref name="context"/> is in the middle of a save (a rollback to EF Core's own savepoint inside a failing save is settled by the save's failure).</summary>
    public bool IsSaving(DbContext context)
    {
        lock (session.Sync)
        {
            return _running.ContainsKey(context);
        }
    }

    private static bool IsFailed(OutboxSave save) => save.State == OutboxEntryState.Failed;

    /// <summary>
    /// How the save writes the records; the rows to add when they are tracked entities. Outside any transaction of the
    /// app's, the save runs in one EF Core begins for it and the records are one multi-row <c>INSERT</c> as it commits (no
    /// tracked entity, no key read back). Inside the app's transaction they are tracked rows, so EF Core's savepoint around
    /// the save (and the app's own) covers them; so are they when the save has nothing of the app's to write.
    /// </summary>
    private List<OaiqOutboxMessage>? Prepare(OutboxSave save)
    {
        foreach (var entry in save.Entries)
        {
            entry.State = OutboxEntryState.InSave;
            entry.Save = save;
            entry.Message = null;
        }

        var database = save.Context.Database;
        if (save.Changes.Count > 0 && HasNoTransaction(database))
        {
            if (database.AutoTransactionBehavior == AutoTransactionBehavior.Never)
            {
                save.Mode = OutboxSaveMode.AfterSave;
                return null;
            }

            save.Mode = OutboxSaveMode.AtCommit;
            save.PreviousBehavior = database.AutoTransactionBehavior;
            database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
            return null;
        }

        // The app's transaction can still roll back after the save succeeded and EF Core accepted its changes, failing it
        // then: the changes are described while the change tracker still holds them.
        save.Changes.Describe();

        var now = store.Time.GetUtcNow();
        var messages = new List<OaiqOutboxMessage>(save.Entries.Count);
        foreach (var entry in save.Entries)
        {
            entry.Message = OutboxMessages.Create(entry.Record, now);
            messages.Add(entry.Message);
        }

        return messages;
    }

    /// <summary>Whether no transaction is open for the save: none on the context, none ambient.</summary>
    private static bool HasNoTransaction(DatabaseFacade database) =>
        database.IsRelational()
        && database.CurrentTransaction is null
        && Transaction.Current is null
        && database.GetEnlistedTransaction() is null;

    /// <summary>The save of <paramref name="context"/> returned or threw: the context is left as the app set it, and holds none of the outbox's rows.</summary>
    private bool End(DbContext context, out OutboxSave save)
    {
        if (!_running.Remove(context, out save!))
        {
            return false;
        }

        if (save.FailedHandler is { } handler)
        {
            context.SaveChangesFailed -= handler;
            save.FailedHandler = null;
        }

        if (save.PreviousBehavior is { } previous)
        {
            context.Database.AutoTransactionBehavior = previous;
            save.PreviousBehavior = null;
        }

        foreach (var entry in save.Entries)
        {
            // Written (or not) by this save: the app's change tracker must not keep them, nor write them again.
            if (entry.Message is { } message)
            {
                context.Entry(message).State = EntityState.Detached;
            }
        }

        return true;
    }
}
