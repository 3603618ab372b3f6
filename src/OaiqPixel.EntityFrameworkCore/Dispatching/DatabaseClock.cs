using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// The clock that judges leases and due times: the database's, read in the statements that claim, so every instance
/// compares against the same time and an instance whose clock runs ahead cannot take over a claim that is still live.
/// Within a round the database's time is carried forward by the instance's elapsed time (<see cref="HeldClaim"/>), which
/// only an offset between the clocks would spoil, not their rate.
/// </summary>
/// <remarks>
/// SQLite and PostgreSQL (the providers the outbox is tested on) have their SQL here; any other provider falls back to
/// the instance's clock, which the start-up log says, so a web farm on it must keep its clocks in sync.
/// </remarks>
internal sealed class DatabaseClock(TimeProvider time)
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    private string? _select;

    /// <summary>The SQL for the database's current time in Unix milliseconds, or <see langword="null"/> when the instance's clock stands in.</summary>
    public string? NowSql { get; private set; }

    /// <summary>Added to the database's time: tests move it as they move the instance's fake clock.</summary>
    internal TimeSpan Shift { get; set; }

    public void Prepare(string? provider)
    {
        NowSql = provider switch
        {
            SqliteProvider => "CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)",
            RowLockingClaimer.PostgreSqlProvider => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS bigint)",
            _ => null,
        };

        // Composed by EF Core as a subquery: the column is named as EF Core expects a scalar query's to be.
        _select = NowSql is null ? null : "SELECT " + NowSql + " AS \"Value\"";
    }

    /// <summary>Reads the database's current time (or the instance's, see <see cref="NowSql"/>).</summary>
    public async Task<DateTimeOffset> ReadAsync(DbContext context, CancellationToken cancellationToken)
    {
        if (_select is not { } select)
        {
            return time.GetUtcNow();
        }

        var now = await context.Database.SqlQueryRaw<long>(select).SingleAsync(cancellationToken).ConfigureAwait(false);
        return UnixMilliseconds.ToTime(now) + Shift;
    }
}
