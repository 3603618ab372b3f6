using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Writes records in a transaction of their own on a context made for it, with no <c>SaveChanges</c> for the interceptor to
/// join: what no save of the app's carried once the endpoint has run (<see cref="WriteAsync"/>), and, off the caller's
/// thread, events no request's save can carry (<see cref="TryWrite"/>). What the database refuses goes to the in-memory
/// queue (log 208). Stopping the host writes what is queued first.
/// </summary>
internal sealed class OutboxBackgroundWriter(
    IOutboxContextFactory contexts,
    [FromKeyedServices(IConversionEventStore.InMemoryKey)] IConversionEventStore memory,
    OutboxSignal signal,
    OutboxInstrumentation metrics,
    TimeProvider time,
    ILogger<OutboxBackgroundWriter> logger) : IHostedService
{
    /// <summary>Events waiting for their write: past this, the database is far behind, and the in-memory queue takes them.</summary>
    internal const int Capacity = 10_000;

    private const int RecordsPerWrite = 500;

    private readonly Channel<OutboxEntry> _queue = Channel.CreateBounded<OutboxEntry>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private Task? _loop;

    public string ContextName => contexts.ContextType.Name;

    /// <summary>Queues the event's record for a write; <see langword="false"/> only when neither this queue nor the in-memory one took it.</summary>
    public bool TryWrite(ConversionEvent conversionEvent, ConversionEventRecord record) =>
        _queue.Writer.TryWrite(new OutboxEntry(conversionEvent, record))
        || FallBack(conversionEvent, record, new InvalidOperationException($"The outbox's background writes are {Capacity} behind, or the host is stopping."));

    /// <summary>
    /// Writes the records (all or none, retried as the context's execution strategy says) and wakes the dispatcher;
    /// <paramref name="how"/> is the metric's <see cref="OutboxInstrumentation"/> <c>Write…</c> value.
    /// </summary>
    /// <exception cref="Exception">The database refused them (none is written).</exception>
    public async Task WriteAsync(IReadOnlyList<ConversionEventRecord> records, string how, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lease = contexts.Create();
        await using (lease.ConfigureAwait(false))
        {
            var context = lease.Context;
            await context.Database.CreateExecutionStrategy().ExecuteAsync(
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

    /// <summary>The database refused the write: the in-memory queue takes the record (not durable), so the conversion is not lost outright.</summary>
    public bool FallBack(ConversionEvent conversionEvent, ConversionEventRecord record, Exception exception)
    {
        OutboxLog.WriteFailed(logger, exception, conversionEvent.Event.Name, conversionEvent.Id);
        metrics.FellBack();
        return memory.TryStore(conversionEvent, record, request: null);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not on the starting thread's execution context: nothing of a request may flow into the loop.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<OutboxEntry>(RecordsPerWrite);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < RecordsPerWrite && reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            try
            {
                await WriteAsync([.. batch.Select(e => e.Record)], OutboxInstrumentation.WriteAtOnce, CancellationToken.None).ConfigureAwait(false);
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    foreach (var entry in batch)
                    {
                        OutboxLog.SavedAtOnce(logger, entry.Event.Event.Name, entry.Event.Id);
                    }
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                foreach (var entry in batch)
                {
                    FallBack(entry.Event, entry.Record, ex);
                }
            }

            batch.Clear();
        }
    }
}
