using System.Transactions;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The saves a request's events joined that have neither committed nor been dropped, and what their transactions' ends do
/// to them: a commit releases both legs; a rollback or a failed commit fails the save (a retry of its changes may still
/// carry its events); a rollback to an earlier savepoint drops the events whose rows it undid; the end of the endpoint
/// gives up the failed ones.
/// </summary>
internal sealed class OutboxSaveOutcomes(OutboxRequestSession session, OutboxStore store)
{
    /// <summary>The saves neither committed nor dropped (read and changed under the session's lock).</summary>
    public List<OutboxSave> Open { get; } = [];

    public void Committed(Guid transactionId)
    {
        var committed = 0;
        lock (session.Sync)
        {
            foreach (var save in Open.FindAll(s => s.TransactionId == transactionId && s.State == (s.Mode == OutboxSaveMode.AtCommit ? OutboxEntryState.InSave : OutboxEntryState.AwaitingCommit)))
            {
                committed += Commit(save);
            }
        }

        store.ReportCommitted(committed);
    }

    /// <summary>The interceptor's <c>TransactionRolledBack</c>, or a failed commit or rollback: nothing of the transaction is kept.</summary>
    public void RolledBack(Guid transactionId, string reason)
    {
        List<OutboxEntry>? dropped = null;
        lock (session.Sync)
        {
            foreach (var save in Open.FindAll(s => s.TransactionId == transactionId))
            {
                if (save.Mode == OutboxSaveMode.AtCommit)
                {
                    // One attempt of EF Core's save: its execution strategy may retry (written again at the next commit),
                    // or the save fails.
                    save.TransactionId = null;
                }
                else if (save.State == OutboxEntryState.AwaitingCommit)
                {
                    (dropped ??= []).AddRange(Fail(save) ?? []);
                }
            }
        }

        store.ReportDropped(dropped, reason);
    }

    /// <summary>
    /// The interceptor's <c>RolledBackToSavepoint</c>: the keys of the rows written in that transaction, whose presence
    /// tells which survived; <see langword="null"/> when there are none.
    /// </summary>
    public List<long>? RowsToCheck(Guid transactionId)
    {
        lock (session.Sync)
        {
            var ids = Open.Where(s => IsAwaitingCommitOf(s, transactionId)).SelectMany(s => s.Entries, (_, e) => e.Message!.Id).ToList();
            return ids.Count == 0 ? null : ids;
        }
    }

    /// <summary>After a rollback to a savepoint: the events whose rows are gone are dropped.</summary>
    public void KeepOnly(Guid transactionId, HashSet<long> remaining)
    {
        var dropped = new List<OutboxEntry>();
        lock (session.Sync)
        {
            foreach (var save in Open.FindAll(s => IsAwaitingCommitOf(s, transactionId)))
            {
                var gone = save.Entries.FindAll(e => !remaining.Contains(e.Message!.Id));
                save.Entries.RemoveAll(gone.Contains);
                gone.ForEach(e => e.State = OutboxEntryState.Dropped);
                dropped.AddRange(gone);
                if (save.Entries.Count == 0)
                {
                    Open.Remove(save);
                }
            }
        }

        store.ReportDropped(dropped, "the transaction rolled back to a savepoint taken before them");
    }

    /// <summary>The endpoint or the request ended: failed saves are given up, and so are saves whose transaction ended without a commit.</summary>
    public void GiveUp()
    {
        List<OutboxSave> givenUp, ended;
        lock (session.Sync)
        {
            givenUp = Open.FindAll(s => s.State == OutboxEntryState.Failed);

            // Disposed without a commit (a using block left early, the context disposed): rolled back.
            ended = Open.FindAll(s => s.State == OutboxEntryState.AwaitingCommit && !IsTransactionOpen(s));
            foreach (var save in givenUp.Concat(ended))
            {
                save.SetState(OutboxEntryState.Dropped);
                Open.Remove(save);
            }
        }

        store.ReportDropped([.. givenUp.SelectMany(s => s.Entries)], "their save failed or rolled back and the app did not save those changes again");
        store.ReportDropped([.. ended.SelectMany(s => s.Entries)], "their transaction ended without a commit");
    }

    private static bool IsAwaitingCommitOf(OutboxSave save, Guid transactionId) =>
        save.State == OutboxEntryState.AwaitingCommit && save.TransactionId == transactionId;

    /// <summary>Whether the app's transaction a save wrote in is still the context's open one (memory only).</summary>
    public static bool IsTransactionOpen(OutboxSave save)
    {
        try
        {
            return save.Context.Database.CurrentTransaction?.TransactionId == save.TransactionId;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public int Commit(OutboxSave save)
    {
        save.SetState(OutboxEntryState.Released);
        Open.Remove(save);
        return save.Entries.Count;
    }

    /// <summary>A save or its transaction failed: a retry may still carry its events, unless the request is over. Returns what is dropped now.</summary>
    public List<OutboxEntry>? Fail(OutboxSave save)
    {
        save.TransactionId = null;
        if (!session.IsEnded)
        {
            save.SetState(OutboxEntryState.Failed);
            return null;
        }

        save.SetState(OutboxEntryState.Dropped);
        Open.Remove(save);
        return save.Entries;
    }

    public void AmbientCompleted(OutboxSave save, Transaction? transaction)
    {
        var committed = 0;
        List<OutboxEntry>? dropped = null;
        lock (session.Sync)
        {
            if (save.State != OutboxEntryState.AwaitingAmbient)
            {
                return;
            }

            if (transaction?.TransactionInformation.Status == TransactionStatus.Committed)
            {
                committed = Commit(save);
            }
            else
            {
                dropped = Fail(save);
            }
        }

        store.ReportCommitted(committed);
        store.ReportDropped(dropped, "the ambient transaction did not commit");
    }
}
