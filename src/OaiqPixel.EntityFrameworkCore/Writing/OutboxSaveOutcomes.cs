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
    private readonly List<OutboxSave> _open = [];

    public List<OutboxSave> Open => _open;

    public void Committed(Guid transactionId)
    {
        var committed = 0;
        lock (session.Sync)
        {
            for (var i = _open.Count - 1; i >= 0; i--)
            {
                var save = _open[i];
                if (save.TransactionId == transactionId && save.State == (save.AtCommit ? OutboxEntryState.InSave : OutboxEntryState.AwaitingCommit))
                {
                    committed += Commit(save);
                }
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
            foreach (var save in _open.ToArray())
            {
                if (save.TransactionId != transactionId)
                {
                    continue;
                }

                if (save.AtCommit)
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
            var ids = _open.Where(s => IsAwaitingCommitOf(s, transactionId)).SelectMany(s => s.Entries, (_, e) => e.Message!.Id).ToList();
            return ids.Count == 0 ? null : ids;
        }
    }

    /// <summary>After a rollback to a savepoint: the events whose rows are gone are dropped.</summary>
    public void KeepOnly(Guid transactionId, HashSet<long> remaining)
    {
        var dropped = new List<OutboxEntry>();
        lock (session.Sync)
        {
            foreach (var save in _open.FindAll(s => IsAwaitingCommitOf(s, transactionId)))
            {
                var gone = save.Entries.FindAll(e => !remaining.Contains(e.Message!.Id));
                save.Entries.RemoveAll(gone.Contains);
                gone.ForEach(e => e.State = OutboxEntryState.Dropped);
                dropped.AddRange(gone);
                if (save.Entries.Count == 0)
                {
                    _open.Remove(save);
                }
            }
        }

        store.ReportDropped(dropped, "the transaction rolled back to a savepoint taken before them");
    }

    /// <summary>The endpoint or the request ended: failed saves are given up, and so are saves whose transaction ended without a commit.</summary>
    public void GiveUp()
    {
        List<OutboxEntry>? givenUp = null;
        List<OutboxEntry>? ended = null;
        lock (session.Sync)
        {
            for (var i = _open.Count - 1; i >= 0; i--)
            {
                var save = _open[i];
                if (save.State == OutboxEntryState.Failed)
                {
                    (givenUp ??= []).AddRange(save.Entries);
                }
                else if (save.State == OutboxEntryState.AwaitingCommit && !IsTransactionOpen(save))
                {
                    // Disposed without a commit (a using block left early, the context disposed): rolled back.
                    (ended ??= []).AddRange(save.Entries);
                }
                else
                {
                    continue;
                }

                save.SetState(OutboxEntryState.Dropped);
                _open.RemoveAt(i);
            }
        }

        store.ReportDropped(givenUp, "their save failed or rolled back and the app did not save those changes again");
        store.ReportDropped(ended, "their transaction ended without a commit");
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
        _open.Remove(save);
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
        _open.Remove(save);
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
