using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>What every request's <see cref="OutboxRequestSession"/> works with (singletons), and how it reports what became of its records.</summary>
internal sealed class OutboxSessionServices(
    OutboxBackgroundWriter background,
    OutboxSignal signal,
    OutboxInstrumentation metrics,
    TimeProvider time,
    ILogger<OutboxRequestSession> logger)
{
    public OutboxBackgroundWriter Background { get; } = background;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    /// <summary>Records committed with the app's changes: counted, logged, and the dispatcher woken.</summary>
    public void ReportCommitted(int count)
    {
        if (count == 0)
        {
            return;
        }

        metrics.Written(count, OutboxInstrumentation.WriteWithTransaction);
        signal.Notify(count);
        OutboxLog.CommittedWithApp(logger, count);
    }

    /// <summary>Records that neither leg reports, with why (log 206).</summary>
    public void ReportDropped(List<OutboxEntry>? entries, string reason)
    {
        if (entries is null || entries.Count == 0)
        {
            return;
        }

        metrics.Dropped(entries.Count, "rolled_back");
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var ids = Ids(entries);
            OutboxLog.RolledBack(logger, entries.Count, reason, ids);
        }
    }

    /// <summary>Records no save carried, dropped because their request failed (log 224).</summary>
    public void ReportDroppedOnServerError(List<OutboxEntry> entries, int status)
    {
        if (entries.Count == 0)
        {
            return;
        }

        metrics.Dropped(entries.Count, "server_error");
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var ids = Ids(entries);
            OutboxLog.DroppedOnServerError(logger, status, entries.Count, ids);
        }
    }

    public static string Ids(List<OutboxEntry> entries) => string.Join(", ", entries.Select(e => e.Event.Id));
}
