using System.Transactions;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// One request's outbox events, from <c>Track</c> to the database: the request's next <c>SaveChanges</c> of the app's
/// context writes them in its own transaction (the interceptor adds them), its commit releases their browser leg, its
/// failure or rollback drops both legs; what no <c>SaveChanges</c> took is saved on its own when the pixel renders, when
/// the response starts, or at the latest when the request ends.
/// </summary>
/// <remarks>
/// Kept in the request's features, so the interceptor finds it from any context of the app's type the request saves.
/// Touched by the request's own flow only, except an ambient transaction's completion: every change is under one lock,
/// and the database is never called while holding it.
/// </remarks>
internal sealed partial class OutboxRequestSession : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<OutboxEntry> _entries = [];
    private readonly HttpContext _httpContext;
    private readonly OutboxSessionServices _services;
    private bool _ended;

    // The app's contexts whose save takes the request's records at its commit, with the transaction behaviour to restore.
    private Dictionary<DbContext, AutoTransactionBehavior>? _deferredSaves;

    private OutboxRequestSession(HttpContext httpContext, OutboxSessionServices services)
    {
        _httpContext = httpContext;
        _services = services;
    }

    /// <summary>The request's session, or <see langword="null"/> when it handed nothing to the outbox.</summary>
    public static OutboxRequestSession? Find(HttpContext? httpContext) => httpContext?.Features.Get<OutboxRequestSession>();

    /// <summary>The request's session, started on first use: it settles as the response starts and when the request ends.</summary>
    public static OutboxRequestSession GetOrCreate(HttpContext httpContext, OutboxSessionServices services)
    {
        if (Find(httpContext) is { } existing)
        {
            return existing;
        }

        var session = new OutboxRequestSession(httpContext, services);
        httpContext.Features.Set(session);
        if (!httpContext.Response.HasStarted)
        {
            httpContext.Response.OnStarting(static state =>
            {
                ((OutboxRequestSession)state).Settle();
                return Task.CompletedTask;
            }, session);
        }

        httpContext.Response.RegisterForDispose(session);
        return session;
    }

    /// <summary>Takes an event: pending until a <c>SaveChanges</c> of the app's context, or the end of the request.</summary>
    public void Enlist(ConversionEvent conversionEvent, ConversionEventRecord record)
    {
        var entry = new OutboxEntry(conversionEvent, record);
        bool ended;
        lock (_lock)
        {
            _entries.Add(entry);
            ended = _ended;
        }

        if (ended)
        {
            // Recorded after the request ended (a task it left running): nothing of the request can carry it any more.
            Settle();
        }
    }

    /// <summary>
    /// Decides what can be decided now (the pixel is about to render, the response starts, the request ends): a
    /// transaction that ended without a commit dropped its records; the pending ones are saved on their own — or, when
    /// the request failed (status 5xx), dropped.
    /// </summary>
    public void Settle()
    {
        List<OutboxEntry>? toSave = null;
        List<OutboxEntry>? rolledBack = null;
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.State == OutboxEntryState.Pending)
                {
                    entry.State = OutboxEntryState.SavingOnItsOwn;
                    (toSave ??= []).Add(entry);
                }
                else if (entry.State == OutboxEntryState.AwaitingCommit && !IsTransactionOpen(entry))
                {
                    // Disposed without a commit (a using block left early, the context disposed): rolled back.
                    entry.State = OutboxEntryState.Dropped;
                    (rolledBack ??= []).Add(entry);
                }
            }
        }

        Dropped(rolledBack, "their transaction ended without a commit");
        if (toSave is null)
        {
            return;
        }

        var status = _httpContext.Response.StatusCode;
        if (status >= StatusCodes.Status500InternalServerError)
        {
            // The app failed after recording them: the conversion most likely did not happen.
            SetState(toSave, OutboxEntryState.Dropped);
            _services.Metrics.Dropped(toSave.Count, "server_error");
            var logger = _services.Logger;
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var ids = Ids(toSave);
                OutboxLog.DroppedOnServerError(logger, status, toSave.Count, ids);
            }

            return;
        }

        try
        {
            _services.Writer.Save([.. toSave.Select(e => e.Record)], OutboxInstrumentation.WriteOnItsOwn);
            SetState(toSave, OutboxEntryState.SavedOnItsOwn);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var entry in toSave)
            {
                var queued = _services.Routing.FallBack(entry.Event, entry.Record, ex);
                SetState([entry], queued ? OutboxEntryState.InMemory : OutboxEntryState.Dropped);
            }
        }
    }

    /// <summary>Whether the event's pixel call may render now (see <see cref="IOaiqBrowserLegGate"/>).</summary>
    public OaiqBrowserLegState GetState(ConversionEvent conversionEvent)
    {
        lock (_lock)
        {
            for (var i = _entries.Count - 1; i >= 0; i--)
            {
                var entry = _entries[i];
                if (IsCopyOf(entry.Event, conversionEvent))
                {
                    return entry.State switch
                    {
                        OutboxEntryState.Committed or OutboxEntryState.SavedOnItsOwn or OutboxEntryState.InMemory => OaiqBrowserLegState.Render,
                        OutboxEntryState.Dropped => OaiqBrowserLegState.Drop,
                        _ => OaiqBrowserLegState.Hold,
                    };
                }
            }
        }

        return OaiqBrowserLegState.Render;
    }

    /// <summary>
    /// Whether a record's event is the page's event: the same object, or the server leg's copy of it for one of the page's
    /// pixels (<see cref="ConversionEvent.ForPixel"/> keeps the event object and the id; the page renders the original).
    /// </summary>
    private static bool IsCopyOf(ConversionEvent recorded, ConversionEvent rendered) =>
        ReferenceEquals(recorded, rendered)
        || (ReferenceEquals(recorded.Event, rendered.Event) && string.Equals(recorded.Id, rendered.Id, StringComparison.Ordinal));

    /// <summary>The request ended: the last settle; records still in an open transaction are left to it.</summary>
    public void Dispose()
    {
        Settle();
        List<OutboxEntry>? held = null;
        lock (_lock)
        {
            _ended = true;
            foreach (var entry in _entries)
            {
                if (entry.State is OutboxEntryState.AwaitingCommit or OutboxEntryState.AwaitingAmbient)
                {
                    (held ??= []).Add(entry);
                }
            }
        }

        var logger = _services.Logger;
        if (held is not null && logger.IsEnabled(LogLevel.Debug))
        {
            var ids = Ids(held);
            OutboxLog.HeldAtRequestEnd(logger, held.Count, ids);
        }
    }

    private static bool IsTransactionOpen(OutboxEntry entry)
    {
        try
        {
            return entry.Context!.Database.CurrentTransaction?.TransactionId == entry.TransactionId;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private static string Ids(List<OutboxEntry> entries) => string.Join(", ", entries.Select(e => e.Event.Id));

    private void SetState(List<OutboxEntry> entries, OutboxEntryState state)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                entry.State = state;
            }
        }
    }

    private void Committed(int count)
    {
        if (count == 0)
        {
            return;
        }

        _services.Metrics.Written(count, OutboxInstrumentation.WriteWithTransaction);
        _services.Signal.Notify(count);
        OutboxLog.CommittedWithApp(_services.Logger, count);
    }

    private void Dropped(List<OutboxEntry>? entries, string reason)
    {
        if (entries is null)
        {
            return;
        }

        _services.Metrics.Dropped(entries.Count, "rolled_back");
        var logger = _services.Logger;
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var ids = Ids(entries);
            OutboxLog.RolledBack(logger, entries.Count, reason, ids);
        }
    }
}
