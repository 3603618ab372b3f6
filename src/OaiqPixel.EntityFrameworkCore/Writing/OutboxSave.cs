using Microsoft.EntityFrameworkCore;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// One save of the app's that conversions joined: its context, the app's changes it was writing (which decide, by
/// <see cref="OutboxAppSaves"/>' rule, whether a later save is its retry), and how it writes their records.
/// </summary>
internal sealed class OutboxSave(DbContext context, AppChanges changes, List<OutboxEntry> entries)
{
    /// <summary>The context of the app's latest save that carried the events (a retry may run on a new context).</summary>
    public DbContext Context { get; private set; } = context;

    /// <summary>The app's changes (added, modified or deleted) the save was writing.</summary>
    public AppChanges Changes { get; private set; } = changes;

    public List<OutboxEntry> Entries { get; } = entries;

    /// <summary>How the save writes the records.</summary>
    public OutboxSaveMode Mode { get; set; }

    /// <summary>The context's transaction behaviour before the outbox asked for a transaction (<see cref="OutboxSaveMode.AtCommit"/>), restored as the save ends.</summary>
    public AutoTransactionBehavior? PreviousBehavior { get; set; }

    /// <summary>
    /// The transaction that holds the records: for <see cref="OutboxSaveMode.AtCommit"/>, the attempt whose commit is writing them; for
    /// tracked rows, the app's transaction the save ran in.
    /// </summary>
    public Guid? TransactionId { get; set; }

    /// <summary>Subscribed to the context's <c>SaveChangesFailed</c> event while the save runs (EF Core raises it for every failure, a concurrency one included, but not a cancellation).</summary>
    public EventHandler<SaveChangesFailedEventArgs>? FailedHandler { get; set; }

    public OutboxEntryState State => Entries[0].State;

    /// <summary>The save (a new one, or a retry) now stands for the changes of the app's save that is starting, with the events tracked since.</summary>
    public void Rejoin(DbContext appContext, AppChanges appChanges, List<OutboxEntry> pending)
    {
        Context = appContext;
        Changes = appChanges;
        Entries.AddRange(pending);
        Mode = OutboxSaveMode.Tracked;
        PreviousBehavior = null;
        TransactionId = null;
    }

    public void SetState(OutboxEntryState state)
    {
        foreach (var entry in Entries)
        {
            entry.State = state;
        }
    }
}
