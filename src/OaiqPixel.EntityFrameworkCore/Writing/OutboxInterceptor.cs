using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Added to the app's context options: hands EF Core's save and transaction callbacks to the current request's
/// <see cref="OutboxRequestSession"/>, which applies the outbox's one rule (<see cref="OutboxAppSaves"/>), and writes a
/// save's records with <see cref="OutboxInsert"/> as the transaction EF Core began for it commits. A singleton; a save
/// outside a request, or in one that handed nothing to the outbox, costs one feature lookup.
/// </summary>
/// <remarks>
/// The only database calls here are the app's own, made as the app called them (sync or async): the records' <c>INSERT</c>
/// in the app's commit (or right after a save the app ran with EF Core's transactions off, <see cref="OutboxAfterSave"/>),
/// and, after the app rolls back to a savepoint, the look-up of which of the transaction's records that undid.
/// </remarks>
internal sealed class OutboxInterceptor(IHttpContextAccessor accessor, TimeProvider time, ILogger<OutboxInterceptor> logger) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private const string Cancelled = "SaveChanges was cancelled";

    private int _notMappedLogged;

    private OutboxRequestSession? Session => OutboxRequestSession.Find(accessor.HttpContext);

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Begin(eventData.Context!);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Begin(eventData.Context!);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Session is { } session && session.Saves.Saved(eventData.Context!) is { } entries)
        {
            Exception? failure = null;
            try
            {
                OutboxAfterSave.Write(eventData.Context!, [.. entries.Select(e => e.Record)], time.GetUtcNow());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failure = ex;
            }

            session.WrittenAfterSave(entries, failure);
        }

        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Session is { } session && session.Saves.Saved(eventData.Context!) is { } entries)
        {
            Exception? failure = null;
            try
            {
                // Not the save's token: the app's changes are in, so their records are too.
                await OutboxAfterSave.WriteAsync(eventData.Context!, [.. entries.Select(e => e.Record)], time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failure = ex;
            }

            session.WrittenAfterSave(entries, failure);
        }

        return result;
    }

    // A failed save is seen through the context's SaveChangesFailed event (OutboxAppSaves.Begin subscribes): EF Core raises
    // it for a concurrency failure too, where this interface's SaveChangesFailed is not called (dotnet/efcore#32750). The
    // event is not raised for a cancellation.
    public void SaveChangesCanceled(DbContextEventData eventData) => Session?.Saves.Failed(eventData.Context!, Cancelled);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Session?.Saves.Failed(eventData.Context!, Cancelled);
        return Task.CompletedTask;
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (eventData.Context is { } context && Session?.Saves.TakeAtCommit(context, eventData.TransactionId) is { } records)
        {
            OutboxInsert.Write(context, transaction, records, time.GetUtcNow());
        }

        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Session?.Saves.TakeAtCommit(context, eventData.TransactionId) is { } records)
        {
            await OutboxInsert.WriteAsync(context, transaction, records, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Session?.Outcomes.Committed(eventData.TransactionId);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Session?.Outcomes.Committed(eventData.TransactionId);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        Session?.Outcomes.RolledBack(eventData.TransactionId, "the transaction rolled back");

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Session?.Outcomes.RolledBack(eventData.TransactionId, "the transaction rolled back");
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        Session?.Outcomes.RolledBack(eventData.TransactionId, "the transaction's " + eventData.Action + " failed");

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Session?.Outcomes.RolledBack(eventData.TransactionId, "the transaction's " + eventData.Action + " failed");
        return Task.CompletedTask;
    }

    public void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData)
    {
        if (RowsToCheck(eventData) is { } check)
        {
            check.Session.Outcomes.KeepOnly(eventData.TransactionId, check.Remaining.ToHashSet());
        }
    }

    public async Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        if (RowsToCheck(eventData) is { } check)
        {
            check.Session.Outcomes.KeepOnly(eventData.TransactionId, await check.Remaining.ToHashSetAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    private void Begin(DbContext context)
    {
        // Nothing to decide (no conversion in this request, or all of them settled): the app's save runs untouched, and
        // its change tracker is not scanned an extra time.
        if (Session is not { } session || !session.Saves.HasWork())
        {
            return;
        }

        if (context.Model.FindEntityType(typeof(OaiqOutboxMessage)) is null)
        {
            // The startup check normally stops the host first; the records wait to be written on their own (and fall back).
            if (Interlocked.Exchange(ref _notMappedLogged, 1) == 0)
            {
                OutboxLog.NotMapped(logger, context.GetType().Name);
            }

            return;
        }

        session.Saves.Begin(context);
    }

    /// <summary>
    /// Which rows of the records written in a transaction the app just rolled back to a savepoint are left; <see langword="null"/>
    /// when there are none, or when it is EF Core's own savepoint inside a failing save (the save's failure settles that).
    /// </summary>
    private (OutboxRequestSession Session, IQueryable<long> Remaining)? RowsToCheck(TransactionEventData eventData)
    {
        if (eventData.Context is not { } context || Session is not { } session || session.Saves.IsSaving(context)
            || session.Outcomes.RowsToCheck(eventData.TransactionId) is not { } ids)
        {
            return null;
        }

        return (session, context.Set<OaiqOutboxMessage>().AsNoTracking().Where(m => ids.Contains(m.Id)).Select(m => m.Id));
    }
}
