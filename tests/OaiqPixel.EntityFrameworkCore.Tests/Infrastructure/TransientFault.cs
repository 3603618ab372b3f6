using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Fails the app's next <c>INSERT</c> into the orders table, or its next commit, once, before it reaches the database — as a
/// dropped connection would — with an exception <see cref="RetryingTestStrategy"/> retries. Added after the outbox's
/// interceptor, so a failed commit has the outbox's records in its transaction.
/// </summary>
internal sealed class TransientFault : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private int _insertArmed;
    private int _commitArmed;
    private int _injected;

    /// <summary>How many failures were injected.</summary>
    public int Injected => Volatile.Read(ref _injected);

    public void FailNextInsert() => Volatile.Write(ref _insertArmed, 1);

    public void FailNextCommit() => Volatile.Write(ref _commitArmed, 1);

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        OnStatement(command);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        OnStatement(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        OnStatement(command);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        OnStatement(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        Fire(ref _commitArmed);
        return result;
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Fire(ref _commitArmed);
        return ValueTask.FromResult(result);
    }

    private void OnStatement(DbCommand command)
    {
        // SQLite's SQL quotes the table's name, PostgreSQL's does not need to.
        if (command.CommandText.Replace("\"", string.Empty, StringComparison.Ordinal).Contains("INSERT INTO orders", StringComparison.OrdinalIgnoreCase))
        {
            Fire(ref _insertArmed);
        }
    }

    private void Fire(ref int armed)
    {
        if (Interlocked.Exchange(ref armed, 0) == 1)
        {
            Interlocked.Increment(ref _injected);
            throw new TransientTestException();
        }
    }
}

/// <summary>The failure <see cref="TransientFault"/> injects.</summary>
public sealed class TransientTestException() : Exception("The test injected a transient failure.");

/// <summary>A retrying execution strategy (SQLite has none built in) that retries <see cref="TransientTestException"/> at once.</summary>
internal sealed class RetryingTestStrategy(ExecutionStrategyDependencies dependencies) : ExecutionStrategy(dependencies, maxRetryCount: 3, maxRetryDelay: TimeSpan.Zero)
{
    protected override bool ShouldRetryOn(Exception exception) => exception is TransientTestException;
}
