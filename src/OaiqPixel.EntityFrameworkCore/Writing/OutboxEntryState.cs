namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>Where one event of a request stands between <c>Track</c> and the database.</summary>
internal enum OutboxEntryState
{
    /// <summary>Recorded; no <c>SaveChanges</c> has taken it yet.</summary>
    Pending,

    /// <summary>Added to a <c>SaveChanges</c> of the app's context that has not finished.</summary>
    InSave,

    /// <summary>Written by the app's <c>SaveChanges</c> inside a transaction that has not ended.</summary>
    AwaitingCommit,

    /// <summary>Written inside an ambient <c>System.Transactions</c> transaction that has not ended.</summary>
    AwaitingAmbient,

    /// <summary>Being written on its own.</summary>
    SavingOnItsOwn,

    /// <summary>Committed with the app's transaction.</summary>
    Committed,

    /// <summary>Saved on its own (no <c>SaveChanges</c> of the app carried it).</summary>
    SavedOnItsOwn,

    /// <summary>The database refused it: queued in memory instead.</summary>
    InMemory,

    /// <summary>Its save threw or its transaction rolled back: neither leg reports it.</summary>
    Dropped,
}
