using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Writes records in a transaction of their own, through a context of the app's type made for it (not the request's):
/// the records nothing of the app carried, and the events handed to <see cref="IConversionEventSink"/> directly.
/// </summary>
internal sealed class OutboxWriter(IOutboxContextFactory contexts, TimeProvider time, OutboxSignal signal, OutboxInstrumentation metrics, ILogger<OutboxWriter> logger)
{
    // The interceptor must not add a request's pending records to the outbox's own save (they have their own path).
    [ThreadStatic]
    private static bool t_saving;

    /// <summary>Whether the current thread is in one of the outbox's own saves.</summary>
    public static bool IsSavingOnItsOwn => t_saving;

    /// <summary>The app's context type, for logs.</summary>
    public string ContextName => contexts.ContextType.Name;

    /// <summary>Saves the records and wakes the dispatcher.</summary>
    /// <exception cref="Exception">The database refused them (none is saved).</exception>
    public void Save(IReadOnlyList<ConversionEventRecord> records, string how)
    {
        var now = time.GetUtcNow();
        using (var lease = contexts.Create())
        {
            var set = lease.Context.Set<OaiqOutboxMessage>();
            foreach (var record in records)
            {
                set.Add(OutboxMessages.Create(record, now));
            }

            t_saving = true;
            try
            {
                lease.Context.SaveChanges();
            }
            finally
            {
                t_saving = false;
            }
        }

        metrics.Written(records.Count, how);
        signal.Notify(records.Count);
        if (how == OutboxInstrumentation.WriteOnItsOwn)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var ids = string.Join(", ", records.Select(r => r.Id));
                OutboxLog.SavedOnItsOwn(logger, records.Count, ContextName, ids);
            }
        }
    }
}
