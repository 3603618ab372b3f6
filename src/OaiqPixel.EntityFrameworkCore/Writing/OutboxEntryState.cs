namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>Where one event of a request stands between <c>Track</c> and the database.</summary>
internal enum OutboxEntryState
{
    /// <summary>Recorded; no save of the app's has taken it yet.</summary>
    Pending,

    /// <summary>In a <c>SaveChanges</c> of the app's context that has not returned.</summary>
    InSave,

    /// <summary>Written by the app's save inside the app's transaction, which has not ended.</summary>
    AwaitingCommit,

    /// <summary>Written inside an ambient <c>System.Transactions</c> transaction that has not ended.</summary>
    AwaitingAmbient,

    /// <summary>Its save threw, or its transaction rolled back or failed to commit: a retry may still carry it (<see cref="OutboxAppSaves"/>).</summary>
    Failed,

    /// <summary>No save of the app's carried it: being written on its own once the endpoint has run.</summary>
    Writing,

    /// <summary>Committed with the app's changes, written on its own, or queued in memory when the database refused it.</summary>
    Released,

    /// <summary>Rolled back, given up by the app, or its request failed: neither leg reports it.</summary>
    Dropped,
}
