using System.Data.Common;
using System.Transactions;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Added to the app's context options: its <c>SaveChanges</c> writes the request's pending outbox records in the same
/// transaction as the app's changes, and the transaction's end (commit, rollback, a failed save) decides their fate. A save
/// outside any transaction of the app's runs in one EF Core begins for it, and the records are written with one multi-row
/// <c>INSERT</c> as it commits (<see cref="OutboxInsert"/>); inside the app's own transaction they are tracked rows of the
/// save, so EF Core's savepoints cover them. A
/// singleton; it finds the request's <see cref="OutboxRequestSession"/> through the current <see cref="HttpContext"/>, so
/// a save outside a request (or one that recorded nothing) costs one lookup.
/// </summary>
internal sealed class OutboxInterceptor(IHttpContextAccessor accessor, TimeProvider time, ILogger<OutboxInterceptor> logger) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private int _notMappedLogged;

    private OutboxRequestSession? Session => OutboxWriter.IsSavingOnItsOwn ? null : OutboxRequestSession.Find(accessor.HttpContext);

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Attach(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Attach(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (eventData.Context is { } context && Session is { } session && session.TakeDeferred(context) is { } records)
        {
            OutboxInsert.Write(context, transaction, records, time.GetUtcNow());
        }

        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Session is { } session && session.TakeDeferred(context) is { } records)
        {
            await OutboxInsert.WriteAsync(context, transaction, records, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) =>
        Failed(eventData.Context, "SaveChanges threw " + eventData.Exception.GetType().Name);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context, "SaveChanges threw " + eventData.Exception.GetType().Name);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Failed(eventData.Context, "SaveChanges was cancelled");

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context, "SaveChanges was cancelled");
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Session?.OnCommitted(eventData.TransactionId);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Session?.OnCommitted(eventData.TransactionId);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        Session?.OnRolledBack(eventData.TransactionId, "the transaction rolled back");

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Session?.OnRolledBack(eventData.TransactionId, "the transaction rolled back");
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Failed(eventData);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData);
        return Task.CompletedTask;
    }

    public void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData) => RolledBackToSavepoint(eventData);

    public Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBackToSavepoint(eventData);
        return Task.CompletedTask;
    }

    private void Attach(DbContext? context)
    {
        // Nothing pending (no conversion in this request, or all of them written): the app's save runs untouched, and
        // its change tracker is not scanned an extra time below.
        if (context is null || Session is not { HasPending: true } session)
        {
            return;
        }

        if (context.Model.FindEntityType(typeof(OaiqOutboxMessage)) is null)
        {
            // The startup check normally stops the host first; the records wait for their own save (and its fallback).
            if (Interlocked.Exchange(ref _notMappedLogged, 1) == 0)
            {
                OutboxLog.NotMapped(logger, context.GetType().Name);
            }

            return;
        }

        var database = context.Database;
        if (CanWriteAtCommit(database) && context.ChangeTracker.HasChanges())
        {
            // The save runs in a transaction EF Core begins for it (even for one command), and the records are written in
            // it as it commits: one multi-row INSERT, no tracked entity, no key read back. A save with nothing of the
            // app's (an order saved first for its key, then tracked, then saved again) runs no transaction at all: its
            // records are tracked rows below, so that save still writes them and they are durable when it returns.
            var previous = database.AutoTransactionBehavior;
            if (session.DeferPending(context, previous))
            {
                database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
            }

            return;
        }

        if (session.AttachPending(context) is { } messages)
        {
            context.Set<OaiqOutboxMessage>().AddRange(messages);
        }
    }

    /// <summary>
    /// Whether the save will run in a transaction of EF Core's own: none is open on the context nor ambient, and the app has
    /// not turned EF Core's transactions off. An app's own transaction keeps tracked rows instead, so that EF Core's
    /// savepoint around the save (and a rollback to an earlier one) covers them.
    /// </summary>
    private static bool CanWriteAtCommit(DatabaseFacade database) =>
        database.IsRelational()
        && database.CurrentTransaction is null
        && Transaction.Current is null
        && database.GetEnlistedTransaction() is null
        && database.AutoTransactionBehavior != AutoTransactionBehavior.Never;

    private void Saved(DbContext? context)
    {
        if (context is not null && Session is { } session)
        {
            Restore(session, context);
            session.OnSaved(context);
        }
    }

    private void Failed(DbContext? context, string reason)
    {
        if (context is not null && Session is { } session)
        {
            Restore(session, context);
            session.OnSaveFailed(context, reason);
        }
    }

    private static void Restore(OutboxRequestSession session, DbContext context)
    {
        if (session.EndDeferredSave(context) is { } previous)
        {
            context.Database.AutoTransactionBehavior = previous;
        }
    }

    private void Failed(TransactionErrorEventData eventData)
    {
        // A commit that failed leaves nothing committed the outbox can count on; a failed rollback still rolls back.
        Session?.OnRolledBack(eventData.TransactionId, "the transaction's " + eventData.Action + " failed");
    }

    private void RolledBackToSavepoint(TransactionEventData eventData)
    {
        if (eventData.Context is { } context)
        {
            Session?.OnRolledBackToSavepoint(context, eventData.TransactionId);
        }
    }
}
