using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The server leg's <see cref="IConversionEventStore"/> with the outbox on. Only the outbox's own decisions: which
/// events it keeps (<see cref="OaiqOutboxOptions.IncludeViewEvents"/>, <see cref="OaiqOutboxOptions.EventFilter"/>; the
/// others go to the in-memory queue), and the durable write — a request's record joins the request's
/// <see cref="OutboxRequestSession"/> (the app's save commits it), any other record is written in the background in a
/// transaction of its own (<see cref="OutboxBackgroundWriter"/>: the caller never waits on the database).
/// </summary>
/// <remarks>
/// Also the <see cref="IOaiqBrowserLegGate"/>: an outbox event's pixel call renders once its record's commit is known, is
/// held while it is not (the Post/Redirect/Get carrier takes it to the next page), and is dropped when its save was rolled
/// back or given up — a lookup in the request's session, no database call. Every request's session works with the
/// store's singletons, and reports through it what became of its records.
/// </remarks>
internal sealed class OutboxStore(
    IOptionsMonitor<OaiqOutboxOptions> outbox,
    [FromKeyedServices(IConversionEventStore.InMemoryKey)] IConversionEventStore memory,
    OutboxBackgroundWriter background,
    OutboxSignal signal,
    OutboxInstrumentation metrics,
    TimeProvider time,
    ILogger<OutboxRequestSession> logger) : IConversionEventStore, IOaiqBrowserLegGate
{
    public OutboxBackgroundWriter Background => background;

    public TimeProvider Time => time;

    public ILogger Logger => logger;

    public bool TryStore(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request)
    {
        if (!Keeps(conversionEvent))
        {
            return memory.TryStore(conversionEvent, record, request);
        }

        if (request is not null)
        {
            OutboxRequestSession.GetOrCreate(request, this).Enlist(conversionEvent, record);
            return true;
        }

        return background.TryWrite(conversionEvent, record);
    }

    public OaiqBrowserLegState GetState(HttpContext httpContext, ConversionEvent conversionEvent) =>
        OutboxRequestSession.Find(httpContext)?.GetState(conversionEvent) ?? OaiqBrowserLegState.Render;

    private bool Keeps(ConversionEvent conversionEvent)
    {
        var options = outbox.CurrentValue;
        return options.EventFilter is { } filter
            ? filter(conversionEvent)
            : options.IncludeViewEvents || conversionEvent.Event.Name is not (OaiqEventNames.PageViewed or OaiqEventNames.ContentsViewed);
    }

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
