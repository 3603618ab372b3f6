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
/// the claim was judged by (<see cref="DatabaseClock"/>).
/// </summary>
internal sealed class RowLockingClaimer(DatabaseClock clock) : IOutboxClaimer
{
    public const string PostgreSqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    private string? _sql;

    public string Method => "FOR UPDATE SKIP LOCKED";

    public async Task<ClaimedBatch> ClaimAsync(DbContext context, Guid claim, TimeSpan lease, int take, CancellationToken cancellationToken)
    {
        var rows = await context.Database
            .SqlQueryRaw<Row>(_sql ??= BuildSql(context), (long)clock.Shift.TotalMilliseconds, (long)lease.TotalMilliseconds, take, claim)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var claimed = rows.ConvertAll(r => new ClaimedMessage(r.Id, r.PixelId, r.EventId, r.EventType, UnixMilliseconds.ToTime(r.OccurredAt), r.Json, r.PreviousClaim is not null));
        claimed.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return new ClaimedBatch(rows.Count == 0 ? default : UnixMilliseconds.ToTime(rows[0].NowMs), claimed);
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
        return $$"""
            WITH clock AS (SELECT {{clock.NowSql}} + {0} AS now_ms),
            due AS (
                SELECT {{id}} AS claimed_id, {{claimId}} AS previous_claim FROM {{table}}
                WHERE {{Column(nameof(OaiqOutboxMessage.State))}} = {{(int)OaiqOutboxMessageState.Pending}}
                    AND ({{attempts}} = 0 OR {{dueAt}} <= (SELECT now_ms FROM clock))
                ORDER BY {{dueAt}}, {{id}}
                LIMIT {2}
                FOR UPDATE SKIP LOCKED)
            UPDATE {{table}} AS t SET {{claimId}} = {3}, {{dueAt}} = clock.now_ms + {1}, {{attempts}} = t.{{attempts}} + 1
            FROM due, clock WHERE t.{{id}} = due.claimed_id
            RETURNING t.{{id}} AS "Id", t.{{Column(nameof(OaiqOutboxMessage.PixelId))}} AS "PixelId", t.{{Column(nameof(OaiqOutboxMessage.EventId))}} AS "EventId",
                t.{{Column(nameof(OaiqOutboxMessage.EventType))}} AS "EventType", t.{{Column(nameof(OaiqOutboxMessage.OccurredAt))}} AS "OccurredAt",
                t.{{Column(nameof(OaiqOutboxMessage.Json))}} AS "Json", due.previous_claim AS "PreviousClaim", clock.now_ms AS "NowMs"
            """;
    }

    /// <summary>A claimed row as the statement returns it (times in Unix milliseconds, as stored).</summary>
    private sealed record Row(long Id, string PixelId, string EventId, string EventType, long OccurredAt, byte[] Json, Guid? PreviousClaim, long NowMs);
}
