using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Writes records in a transaction of their own, through a context of the app's type made for it (not the request's),
/// asynchronously: the records no save of the app's carried, once the endpoint has run, and the events handed to
/// <see cref="IConversionEventSink"/> directly (<see cref="OutboxBackgroundWriter"/>). It writes with
/// <see cref="OutboxInsert"/> and never calls <c>SaveChanges</c>, so the outbox's interceptor has nothing of it to join.
/// </summary>
internal sealed class OutboxWriter(IOutboxContextFactory contexts, TimeProvider time, OutboxSignal signal, OutboxInstrumentation metrics)
{
    /// <summary>The app's context type, for logs.</summary>
    public string ContextName => contexts.ContextType.Name;

    /// <summary>Writes the records (all or none, retried as the context's execution strategy says) and wakes the dispatcher.</summary>
    /// <param name="records">The records to write.</param>
    /// <param name="how">How they came to be written, for the metric (<see cref="OutboxInstrumentation"/>'s <c>Write…</c> values).</param>
    /// <param name="cancellationToken">Cancels the write (then nothing is written).</param>
    /// <exception cref="Exception">The database refused them (none is written).</exception>
    public async Task WriteAsync(IReadOnlyList<ConversionEventRecord> records, string how, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lease = contexts.Create();
        await using (lease.ConfigureAwait(false))
        {
            var context = lease.Context;
            var strategy = context.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(
                async token =>
                {
                    var transaction = await context.Database.BeginTransactionAsync(token).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        await OutboxInsert.WriteAsync(context, transaction.GetDbTransaction(), records, now, token).ConfigureAwait(false);
                        await transaction.CommitAsync(token).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }

        metrics.Written(records.Count, how);
        signal.Notify(records.Count);
    }
}
