using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// One request's outbox events, from <c>Track</c> to the database, and whether each may render now. The app's saves decide
/// the fate of the events they carry (<see cref="Saves"/>); what no save of the app's took is written on its own once the
/// endpoint has run (<see cref="OutboxStartupFilter"/>), and dropped when the request failed.
/// </summary>
/// <remarks>
/// Kept in the request's features, so the interceptor finds it from any context of the app's type the request saves.
/// Touched by the request's own flow only, except an ambient transaction's completion: every change is under
/// <see cref="Sync"/>, and the database is never called while holding it. No method here does I/O: the gate asks it from
/// rendering and as the response starts.
/// </remarks>
internal sealed class OutboxRequestSession : IDisposable
{
    private readonly HttpContext _httpContext;
    private readonly OutboxStore _store;
    private bool _endpointDone;

    private OutboxRequestSession(HttpContext httpContext, OutboxStore store)
    {
        _httpContext = httpContext;
        _store = store;
        Outcomes = new OutboxSaveOutcomes(this, store);
        Saves = new OutboxAppSaves(this, Outcomes, store);
    }

    internal Lock Sync { get; } = new();

    internal List<OutboxEntry> Entries { get; } = [];

    public OutboxAppSaves Saves { get; }

    public OutboxSaveOutcomes Outcomes { get; }

    /// <summary>Whether the request has ended: a transaction that fails after it can no longer be retried by the request.</summary>
    internal bool IsEnded { get; private set; }

    /// <summary>The request's session, or <see langword="null"/> when it handed nothing to the outbox.</summary>
    public static OutboxRequestSession? Find(HttpContext? httpContext) => httpContext?.Features.Get<OutboxRequestSession>();

    public static OutboxRequestSession GetOrCreate(HttpContext httpContext, OutboxStore store)
    {
        if (Find(httpContext) is { } existing)
        {
            return existing;
        }

        var session = new OutboxRequestSession(httpContext, store);
        httpContext.Features.Set(session);
        httpContext.Response.RegisterForDispose(session);
        return session;
    }

    /// <summary>Takes an event: it joins the app's next save of a context of the outbox's type.</summary>
    public void Enlist(ConversionEvent conversionEvent, ConversionEventRecord record)
    {
        var entry = new OutboxEntry(conversionEvent, record);
        lock (Sync)
        {
            Entries.Add(entry);
            if (!_endpointDone)
            {
                return;
            }

            entry.State = OutboxEntryState.Writing;
        }

        // Recorded after the endpoint ran (a task it left running): nothing of the app's will save it any more.
        _store.Background.TryWrite(conversionEvent, record);
    }

    /// <summary>Whether the event's pixel call may render now (see <see cref="IOaiqBrowserLegGate"/>): a lookup in memory.</summary>
    public OaiqBrowserLegState GetState(ConversionEvent conversionEvent)
    {
        lock (Sync)
        {
            for (var i = Entries.Count - 1; i >= 0; i--)
            {
                var entry = Entries[i];
                if (IsCopyOf(entry.Event, conversionEvent))
                {
                    return entry.State switch
                    {
                        OutboxEntryState.Released => OaiqBrowserLegState.Render,
                        OutboxEntryState.Dropped or OutboxEntryState.Failed => OaiqBrowserLegState.Drop,
                        OutboxEntryState.Pending when _httpContext.Response.StatusCode >= StatusCodes.Status500InternalServerError => OaiqBrowserLegState.Drop,
                        OutboxEntryState.AwaitingCommit when !OutboxSaveOutcomes.IsTransactionOpen(entry.Save!) => OaiqBrowserLegState.Drop,

                        // The endpoint has run with the transaction still open: no page of this visitor can learn how it
                        // ends, so the browser leg is given up (the server leg still follows the commit).
                        OutboxEntryState.InSave or OutboxEntryState.AwaitingCommit or OutboxEntryState.AwaitingAmbient when _endpointDone => OaiqBrowserLegState.Drop,
                        _ => OaiqBrowserLegState.Hold,
                    };
                }
            }
        }

        return OaiqBrowserLegState.Render;
    }

    /// <summary>
    /// The endpoint has run: saves the app gave up on are dropped, and the events no save of the app's took are returned to
    /// be written on their own (<see langword="null"/> when there are none) — or dropped when the request failed.
    /// </summary>
    public List<OutboxEntry>? EndEndpoint(bool failed)
    {
        var status = failed ? StatusCodes.Status500InternalServerError : _httpContext.Response.StatusCode;
        List<OutboxEntry> pending;
        lock (Sync)
        {
            _endpointDone = true;
            pending = TakePending(status);
        }

        Outcomes.GiveUp();
        ReportHeld();
        if (status < StatusCodes.Status500InternalServerError)
        {
            return pending.Count > 0 ? pending : null;
        }

        _store.ReportDroppedOnServerError(pending, status);
        return null;
    }

    /// <summary>Writes the events no save of the app's took, in a transaction of their own; the in-memory queue takes them if the database refuses.</summary>
    public async Task WriteAsync(List<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            await _store.Background.WriteAsync([.. entries.Select(e => e.Record)], OutboxInstrumentation.WriteOnItsOwn, cancellationToken).ConfigureAwait(false);
            SetState(entries, OutboxEntryState.Released);
            var logger = _store.Logger;
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var ids = OutboxStore.Ids(entries);
                OutboxLog.SavedOnItsOwn(logger, entries.Count, _store.Background.ContextName, ids);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            FallBack(entries, ex);
        }
    }

    /// <summary>A save's records written right after it (<see cref="OutboxAfterSave"/>): released, or, when the database refused them (<paramref name="failure"/>), handed to the in-memory queue.</summary>
    public void WrittenAfterSave(List<OutboxEntry> entries, Exception? failure)
    {
        if (failure is not null)
        {
            FallBack(entries, failure);
            return;
        }

        SetState(entries, OutboxEntryState.Released);
        _store.ReportCommitted(entries.Count);
    }

    /// <summary>The request ended (memory only): what the endpoint's end did not see goes to the background writer; records in an open transaction are left to it.</summary>
    public void Dispose()
    {
        var status = _httpContext.Response.StatusCode;
        List<OutboxEntry> late;
        bool endpointSeen;
        lock (Sync)
        {
            IsEnded = true;
            endpointSeen = _endpointDone;
            _endpointDone = true;

            // Left pending only when the endpoint's end was not seen (the startup filter's middleware is not in this pipeline's path).
            late = TakePending(status);
        }

        Outcomes.GiveUp();
        if (status >= StatusCodes.Status500InternalServerError)
        {
            _store.ReportDroppedOnServerError(late, status);
        }
        else
        {
            late.ForEach(e => _store.Background.TryWrite(e.Event, e.Record));
        }

        if (!endpointSeen)
        {
            ReportHeld();
        }
    }

    /// <summary>Logs the records still in a transaction the endpoint left open: their browser leg is given up, their server leg follows the commit.</summary>
    private void ReportHeld()
    {
        var logger = _store.Logger;
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        List<OutboxEntry> held;
        lock (Sync)
        {
            held = Entries.FindAll(e => e.State is OutboxEntryState.InSave or OutboxEntryState.AwaitingCommit or OutboxEntryState.AwaitingAmbient);
        }

        if (held.Count > 0)
        {
            var ids = OutboxStore.Ids(held);
            OutboxLog.HeldAtRequestEnd(logger, held.Count, ids);
        }
    }

    /// <summary>
    /// The events no save of the app's took: to be written on their own, or, when the request failed (a 5xx status), dropped —
    /// the app failed after recording them, so the conversion most likely did not happen. Called under <see cref="Sync"/>.
    /// </summary>
    private List<OutboxEntry> TakePending(int status)
    {
        var pending = Entries.FindAll(e => e.State == OutboxEntryState.Pending);
        var failed = status >= StatusCodes.Status500InternalServerError;
        pending.ForEach(e => e.State = failed ? OutboxEntryState.Dropped : OutboxEntryState.Writing);
        return pending;
    }

    /// <summary>
    /// Whether a record's event is the page's event: the same object, or the server leg's copy of it for one of the page's
    /// pixels (<see cref="ConversionEvent.ForPixel"/> keeps the event object and the id; the page renders the original).
    /// </summary>
    private static bool IsCopyOf(ConversionEvent recorded, ConversionEvent rendered) =>
        ReferenceEquals(recorded, rendered)
        || (ReferenceEquals(recorded.Event, rendered.Event) && string.Equals(recorded.Id, rendered.Id, StringComparison.Ordinal));

    private void FallBack(List<OutboxEntry> entries, Exception failure)
    {
        foreach (var entry in entries)
        {
            var queued = _store.Background.FallBack(entry.Event, entry.Record, failure);
            SetState([entry], queued ? OutboxEntryState.Released : OutboxEntryState.Dropped);
        }
    }

    private void SetState(List<OutboxEntry> entries, OutboxEntryState state)
    {
        lock (Sync)
        {
            foreach (var entry in entries)
            {
                entry.State = state;
            }
        }
    }
}
