using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The dispatcher's rounds on a fake clock, on SQLite (the portable claim) and PostgreSQL (FOR UPDATE SKIP LOCKED):
/// delivered records deleted, dead letters kept with the API's message for their retention, failures retried after the
/// back-off, stale records dropped and counted, leases honoured.
/// </summary>
public sealed class DispatcherTests
{
    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_DeliversTheDueRecordsAndDeletesThem(DbProvider provider)
    {
        // Arrange
        await using var h = await DispatcherHarness.StartAsync(provider);
        var ids = h.Write(25);

        // Act
        var round = await h.RoundAsync();

        // Assert
        Assert.Equal(25, round.Claimed);
        Assert.Null(round.RetryDelay);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Empty(h.Database.Outbox());
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_TakesAtMostBatchSize_EarliestFirst(DbProvider provider)
    {
        // Arrange
        await using var h = await DispatcherHarness.StartAsync(provider, o => o.BatchSize = 10);
        var ids = h.Write(25);

        // Act
        var first = await h.RoundAsync();

        // Assert
        Assert.Equal(10, first.Claimed);
        Assert.Equal(ids.Take(10).ToHashSet(), h.Api.EventIds);
        Assert.Equal(15, h.Database.Outbox().Count);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_PoisonRecord_IsKeptAsADeadLetterWithTheApiMessage_UntilItsRetentionEnds(DbProvider provider)
    {
        // Arrange
        await using var h = await DispatcherHarness.StartAsync(provider);
        h.Write(10);
        h.Api.PoisonEvent = e => e.GetProperty("id").GetString() == "order_4";

        // Act
        await h.RoundAsync();

        // Assert: the other nine delivered, the poison one kept with why.
        Assert.Equal(9, h.Api.EventIds.Count);
        var dead = Assert.Single(h.Database.Outbox());
        Assert.Equal("order_4", dead.EventId);
        Assert.Equal(OaiqOutboxMessageState.DeadLettered, dead.State);
        Assert.Equal(400, dead.LastStatusCode);
        Assert.False(string.IsNullOrEmpty(dead.LastError));
        Assert.Null(dead.ClaimId);
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 213 && l.Message.Contains("order_4", StringComparison.Ordinal));

        // Not sent again, and kept until the retention (3 days) ends.
        await h.RoundAsync();
        h.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        await h.Dispatcher.CleanupAsync(CancellationToken.None);
        Assert.Single(h.Database.Outbox());
        Assert.Equal(9, h.Api.Events.Count);

        h.Advance(TimeSpan.FromMinutes(2));
        await h.Dispatcher.CleanupAsync(CancellationToken.None);
        Assert.Empty(h.Database.Outbox());
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 216);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_RowWhoseTimeCannotBeRead_IsDeadLetteredOnItsOwn_TheRowsAroundItAreDelivered(DbProvider provider)
    {
        // Arrange: a row written by hand between good ones, its occurred_at one millisecond past the largest time .NET
        // can hold (it cannot be converted to a DateTimeOffset).
        await using var h = await DispatcherHarness.StartAsync(provider);
        var ids = h.Write(2, "before_");
        using (var db = h.Database.CreateContext())
        {
            var now = h.Time.GetUtcNow().ToUnixTimeMilliseconds();
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO oaiq_outbox (pixel_id, event_id, event_type, occurred_at, json, state, created_at, due_at, attempts) VALUES ({0}, 'unreadable_0', 'order_created', 253402300800000, {1}, 0, {2}, {2}, 0)",
                h.Api.PixelId, "{}"u8.ToArray(), now);
        }

        ids.AddRange(h.Write(3, "after_"));

        // Act
        var round = await h.RoundAsync();
        var next = await h.RoundAsync();
        var snapshot = await h.Provider.GetRequiredService<IOaiqOutbox>().GetSnapshotAsync();

        // Assert: the five good ones delivered in the same round; the bad one kept as a dead letter saying why, and
        // still listed by the outbox's inspector.
        Assert.Equal(6, round.Claimed);
        Assert.Equal(0, next.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        var dead = Assert.Single(h.Database.Outbox());
        Assert.Equal("unreadable_0", dead.EventId);
        Assert.Equal(OaiqOutboxMessageState.DeadLettered, dead.State);
        Assert.Null(dead.ClaimId);
        Assert.Contains("occurred_at", dead.LastError, StringComparison.Ordinal);
        Assert.Equal("unreadable_0", Assert.Single(snapshot.DeadLettered).EventId);
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 223 && l.Message.Contains("occurred_at", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_ApiDown_KeepsTheRecordsUntilTheBackOffIsDue(DbProvider provider)
    {
        // Arrange: 503 on the attempt and the client's retry.
        await using var h = await DispatcherHarness.StartAsync(provider);
        var ids = h.Write(5);
        h.Api.EnqueueFault(Fault.Status(503), count: 2);

        // Act
        var failed = await h.RoundWithTickingClockAsync();
        var tooEarly = await h.RoundAsync();
        h.Advance(failed.RetryDelay!.Value);
        var due = await h.RoundAsync();

        // Assert
        Assert.NotNull(failed.RetryDelay);
        Assert.Equal(0, tooEarly.Claimed);
        Assert.Equal(5, due.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 214);
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 219);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_RecordPastTheSevenDayWindow_IsDeletedAndCounted_AFreshOneIsDelivered(DbProvider provider)
    {
        // Arrange: two written a day apart, then the clock moves to 7 days after the first.
        await using var h = await DispatcherHarness.StartAsync(provider);
        using var dropped = h.Collect("oaiq.outbox.dropped");
        using var eventsDropped = h.Collect("oaiq.events.dropped");
        h.Write(1, "old_");
        h.Advance(TimeSpan.FromDays(1));
        h.Write(1, "fresh_");
        h.Advance(TimeSpan.FromDays(6));
        h.Api.ClearRecordings();

        // Act
        await h.RoundAsync();

        // Assert
        Assert.Equal(["fresh_0"], h.Api.EventIds);
        Assert.Empty(h.Database.Outbox());
        Assert.Equal(1, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.outbox.reason"] == "stale").Sum(m => m.Value));

        // The same log line and metric as the in-memory path (the shared delivery drops it): one line per event.
        Assert.Equal(1, eventsDropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.drop.reason"] == "stale").Sum(m => m.Value));
        var line = Assert.Single(h.Logs.GetSnapshot(), l => l.Id.Id == 111);
        Assert.Contains("old_0", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), l => l.Id.Id == 215);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_RecordThatAgesPastTheWindowWhileKeptForARetry_IsDroppedOnTheRetry_NotSent_RowDeleted(DbProvider provider)
    {
        // Arrange: the API is down when the record is 7 days less 15 minutes old; it is kept for a retry.
        await using var h = await DispatcherHarness.StartAsync(provider);
        h.Write(1, "aging_");
        h.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(15));
        h.Api.EnqueueFault(Fault.Status(503), count: 2);
        var failed = await h.RoundWithTickingClockAsync();
        Assert.NotNull(failed.RetryDelay);
        Assert.Single(h.Database.Outbox());
        h.Api.ClearRecordings();

        // Act: the retry comes when the record is past ConversionEventRecord.MaxAge.
        h.Advance(failed.RetryDelay.Value > TimeSpan.FromMinutes(10) ? failed.RetryDelay.Value : TimeSpan.FromMinutes(10));
        var retry = await h.RoundAsync();

        // Assert: claimed, not sent, its row deleted, one log 111 line naming it; the dead-letter and retry lines stay quiet.
        Assert.Equal(1, retry.Claimed);
        Assert.Null(retry.RetryDelay);
        Assert.Empty(h.Api.Requests);
        Assert.Empty(h.Database.Outbox());
        Assert.Contains("aging_0", Assert.Single(h.Logs.GetSnapshot(), l => l.Id.Id == 111).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Lease_HeldRecordsAreNotTakenAgainUntilItRunsOut_ThenTakenOverAndCounted(DbProvider provider)
    {
        // Arrange: another dispatcher claimed them and died (its lease: one minute).
        await using var h = await DispatcherHarness.StartAsync(provider);
        using var reclaimed = h.Collect("oaiq.outbox.reclaimed");
        var ids = h.Write(4);
        Assert.Equal(4, (await h.ClaimAsAnotherAsync(TimeSpan.FromMinutes(1))).Count);

        // Act
        var during = await h.RoundAsync();
        h.Advance(TimeSpan.FromSeconds(59));
        var stillHeld = await h.RoundAsync();
        h.Advance(TimeSpan.FromSeconds(2));
        var after = await h.RoundAsync();

        // Assert
        Assert.Equal(0, during.Claimed);
        Assert.Equal(0, stillHeld.Claimed);
        Assert.Equal(4, after.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Equal(4, reclaimed.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 211);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    public async Task ConcurrentClaims_NeverHandTheSameRecordToTwoDispatchers(DbProvider provider, bool rowLocking)
    {
        // Arrange: 2,000 records, 8 dispatchers claiming batches of 50 at once until nothing is left.
        await using var h = await DispatcherHarness.StartAsync(provider, o => o.DispatcherEnabled = false);
        h.Dispatcher.UseRowLocking = rowLocking;
        h.Dispatcher.Prepare();
        using (var db = h.Database.CreateContext())
        {
            var now = h.Time.GetUtcNow();
            db.Set<OaiqOutboxMessage>().AddRange(Enumerable.Range(0, 2000).Select(i => new OaiqOutboxMessage
            {
                PixelId = "px",
                EventId = "e" + i,
                EventType = "order_created",
                OccurredAt = now,
                Json = [],
                CreatedAt = now,
                DueAt = now,
            }));
            await db.SaveChangesAsync();
        }

        var claimer = h.Dispatcher.Claimer;

        // Act
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>();
            var empty = 0;
            while (empty < 3)
            {
                using var db = h.Database.CreateContext();
                var got = (await claimer.ClaimAsync(db, Guid.NewGuid(), TimeSpan.FromMinutes(5), 50, CancellationToken.None)).Messages;
                empty = got.Count == 0 ? empty + 1 : 0;
                mine.AddRange(got.Select(c => c.Id));
            }

            return mine;
        })));

        // Assert: every record claimed exactly once.
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(2000, all.Count);
        Assert.Equal(2000, all.Distinct().Count());
        Assert.Equal(rowLocking && provider == DbProvider.PostgreSql ? "FOR UPDATE SKIP LOCKED" : "a conditional update (portable)", claimer.Method);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Health_ApiFailing_IsDegradedSayingTheRecordsAreKept_HealthyOnceItRecovers(DbProvider provider)
    {
        // Arrange
        await using var h = await DispatcherHarness.StartAsync(provider);
        h.Write(2);
        h.Api.EnqueueFault(Fault.Status(503), count: 2);

        // Act
        var failed = await h.RoundWithTickingClockAsync();
        var during = await h.HealthAsync();
        h.Advance(failed.RetryDelay!.Value);
        await h.RoundAsync();
        var after = await h.HealthAsync();

        // Assert
        Assert.Equal(HealthStatus.Degraded, during.Status);
        Assert.Contains("Conversions API has been failing", during.Entries["oaiq_outbox"].Description, StringComparison.Ordinal);
        Assert.Contains("kept in the table", during.Entries["oaiq_outbox"].Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.DoesNotContain(h.Api.ApiKey, during.Entries["oaiq_outbox"].Description, StringComparison.Ordinal);
    }
}
