using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Runs an action at one chosen statement of the app's context, just before it runs or just after its answer arrived, so
/// a test can act at an exact step of a dispatcher's round: take a PostgreSQL server of its own down for real
/// (<see cref="PostgresCluster.StopServer"/>, every connection cut), or move the fake clock as a slow round would. The
/// hook only picks the moment; what the dispatcher meets is the server going away, or the time having passed.
/// </summary>
internal sealed class StatementHook : DbCommandInterceptor
{
    private (Func<string, bool> Matches, Action Act)? _before;
    private (Func<string, bool> Matches, Action Act)? _after;
    private int _fired;

    /// <summary>How often an armed action ran.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>Runs <paramref name="act"/> before the next statement whose SQL matches runs.</summary>
    public void Before(Func<string, bool> statement, Action act) => _before = (statement, act);

    /// <summary>Runs <paramref name="act"/> right after the next statement whose SQL matches ran (its answer reached the app).</summary>
    public void After(Func<string, bool> statement, Action act) => _after = (statement, act);

    public static bool IsDelete(string sql) => sql.TrimStart().StartsWith("DELETE", StringComparison.OrdinalIgnoreCase);

    public static bool IsUpdate(string sql) => sql.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase);

    /// <summary>The statement that dead-letters a record (the only one a round runs between its claim and its send, for a record it cannot read).</summary>
    public static bool IsDeadLetter(string sql) => IsUpdate(sql) && sql.Contains("dead_lettered_at", StringComparison.Ordinal);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Fire(ref _before, command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Fire(ref _before, command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Fire(ref _after, command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Fire(ref _after, command);
        return ValueTask.FromResult(result);
    }

    private void Fire(ref (Func<string, bool> Matches, Action Act)? armed, DbCommand command)
    {
        // The rounds under test run one statement at a time: no two threads race for the same armed action.
        if (armed is { } hook && hook.Matches(command.CommandText))
        {
            armed = null;
            hook.Act();
            Interlocked.Increment(ref _fired);
        }
    }
}
