using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Claims on PostgreSQL in one statement with row locks: the due rows are selected <c>FOR UPDATE SKIP LOCKED</c> (rows
/// another dispatcher is claiming at that moment are skipped, not waited for) and marked and returned by the same
/// <c>UPDATE … RETURNING</c>, which also returns each row's previous claim (a lease that ran out) and the database's time
/// the claim was judged by (<see cref="DatabaseClock"/>). Table and column names come from the app's model, so a renamed
/// table or schema works.
/// </summary>
internal sealed class RowLockingClaimer(DatabaseClock clock) : IOutboxClaimer
{
    /// <summary>The EF Core provider this claimer is for.</summary>
    public const string PostgreSqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    private string? _sql;

    public string Method => "FOR UPDATE SKIP LOCKED";

    public async Task<ClaimedBatch> ClaimAsync(DbContext context, Guid claim, TimeSpan lease, int take, CancellationToken cancellationToken)
    {
        var sql = _sql ??= BuildSql(context);
        var database = context.Database;
        await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = database.GetDbConnection().CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql;
                Add(command, "shift", (long)clock.Shift.TotalMilliseconds);
                Add(command, "lease", (long)lease.TotalMilliseconds);
                Add(command, "take", take);
                Add(command, "claim", claim);
                var claimed = new List<ClaimedMessage>(Math.Min(take, 1024));
                var now = default(DateTimeOffset);
                var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        claimed.Add(new ClaimedMessage(
                            reader.GetInt64(0),
                            reader.GetString(1),
                            reader.GetString(2),
                            reader.GetString(3),
                            UnixMilliseconds.ToTime(reader.GetInt64(4)),
                            await reader.GetFieldValueAsync<byte[]>(5, cancellationToken).ConfigureAwait(false),
                            !await reader.IsDBNullAsync(6, cancellationToken).ConfigureAwait(false)));
                        now = UnixMilliseconds.ToTime(reader.GetInt64(7));
                    }
                }

                claimed.Sort(static (a, b) => a.Id.CompareTo(b.Id));
                return new ClaimedBatch(now, claimed);
            }
        }
        finally
        {
            await database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private string BuildSql(DbContext context)
    {
        var entity = context.Model.FindEntityType(typeof(OaiqOutboxMessage))
            ?? throw new InvalidOperationException("The outbox table is not mapped: call modelBuilder.AddOaiqOutbox() in OnModelCreating.");
        var sql = context.GetService<ISqlGenerationHelper>();
        var tableName = entity.GetTableName()!;
        var schema = entity.GetSchema();
        var store = StoreObjectIdentifier.Table(tableName, schema);
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(store)!);

        var table = sql.DelimitIdentifier(tableName, schema);
        var id = Column(nameof(OaiqOutboxMessage.Id));
        var claimId = Column(nameof(OaiqOutboxMessage.ClaimId));
        var dueAt = Column(nameof(OaiqOutboxMessage.DueAt));
        var attempts = Column(nameof(OaiqOutboxMessage.Attempts));

        // Never taken before: due at once, whatever the writing instance's clock said (it may run ahead of the database's).
        return $"""
            WITH clock AS (SELECT {clock.NowSql} + @shift AS now_ms),
            due AS (
                SELECT {id} AS claimed_id, {claimId} AS previous_claim FROM {table}
                WHERE {Column(nameof(OaiqOutboxMessage.State))} = {(int)OaiqOutboxMessageState.Pending}
                    AND ({attempts} = 0 OR {dueAt} <= (SELECT now_ms FROM clock))
                ORDER BY {dueAt}, {id}
                LIMIT @take
                FOR UPDATE SKIP LOCKED)
            UPDATE {table} AS t SET {claimId} = @claim, {dueAt} = clock.now_ms + @lease, {attempts} = t.{attempts} + 1
            FROM due, clock WHERE t.{id} = due.claimed_id
            RETURNING t.{id}, t.{Column(nameof(OaiqOutboxMessage.PixelId))}, t.{Column(nameof(OaiqOutboxMessage.EventId))}, t.{Column(nameof(OaiqOutboxMessage.EventType))}, t.{Column(nameof(OaiqOutboxMessage.OccurredAt))}, t.{Column(nameof(OaiqOutboxMessage.Json))}, due.previous_claim, clock.now_ms
            """;
    }
}
