using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Writes the events no request's save can carry — handed to <see cref="IConversionEventSink"/> directly (a webhook, a
/// worker), or recorded after their request's endpoint ran — with <see cref="OutboxWriter"/>, off the caller's thread: the
/// caller never waits on the database. Accepted means queued in this process for a write that follows within moments;
/// a database that refuses it (or a queue that is full) hands the event to the in-memory queue instead (log 208). Stopping
/// the host writes what is queued first.
/// </summary>
internal sealed class OutboxBackgroundWriter(OutboxWriter writer, OutboxRouting routing, ILogger<OutboxBackgroundWriter> logger) : IHostedService
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

    /// <summary>Queues the event's record for a write; <see langword="false"/> only when neither this queue nor the in-memory one took it.</summary>
    public bool TryWrite(ConversionEvent conversionEvent, ConversionEventRecord record)
    {
        if (_queue.Writer.TryWrite(new OutboxEntry(conversionEvent, record)))
        {
            return true;
        }

        return routing.FallBack(conversionEvent, record, new InvalidOperationException($"The outbox's background writes are {Capacity} behind, or the host is stopping."));
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
                await writer.WriteAsync([.. batch.Select(e => e.Record)], OutboxInstrumentation.WriteAtOnce, CancellationToken.None).ConfigureAwait(false);
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
                    routing.FallBack(entry.Event, entry.Record, ex);
                }
            }

            batch.Clear();
        }
    }
}
