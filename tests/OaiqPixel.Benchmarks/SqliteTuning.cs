using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// What the README advises a SQLite app serving concurrent requests to set on each connection it opens: SQLite's own
/// busy handler (<c>busy_timeout</c>, which waits for the write lock in steps of 1–100 ms) instead of Microsoft.Data.Sqlite's
/// retry, which sleeps 150 ms between tries; and <c>synchronous=NORMAL</c>, WAL mode's usual setting (a commit survives
/// the app's crash; one in the last checkpoint interval may be lost with the machine's power). Off unless the
/// environment variable <c>OAIQ_BENCH_SQLITE_TUNING=1</c> is set, so the default run measures SQLite as it comes.
/// </summary>
public sealed class SqliteTuning : DbConnectionInterceptor
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("OAIQ_BENCH_SQLITE_TUNING") == "1";

    public static readonly SqliteTuning Instance = new();

    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
