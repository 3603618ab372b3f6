using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Added to the app's context options: its <c>SaveChanges</c> writes the request's pending outbox records in the same
/// transaction as the app's changes, and the transaction's end (commit, rollback, a failed save) decides their fate. A
/// singleton; it finds the request's <see cref="OutboxRequestSession"/> through the current <see cref="HttpContext"/>, so
/// a save outside a request (or one that recorded nothing) costs one lookup.
/// </summary>
internal sealed class OutboxInterceptor(IHttpContextAccessor accessor, ILogger<OutboxInterceptor> logger) : ISaveChangesInterceptor, IDbTransactionInterceptor
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
        if (context is null || Session is not { } session)
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

        if (session.AttachPending(context) is { } messages)
        {
            context.Set<OaiqOutboxMessage>().AddRange(messages);
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is not null)
        {
            Session?.OnSaved(context);
        }
    }

    private void Failed(DbContext? context, string reason)
    {
        if (context is not null)
        {
            Session?.OnSaveFailed(context, reason);
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
