using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// A <c>SaveChanges</c> outside the app's own transaction: the records are written with multi-row <c>INSERT</c>s in the
/// transaction EF Core begins for the save, as it commits. What the app sees must be what the tracked rows gave: the
/// records commit with the orders or not at all, every record once, and the context left as the app set it.
/// </summary>
public sealed class CommitWriteTests
{
    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task CommitFailsAfterTheRecordsAreWritten_NothingIsKept_AndNeitherLeg(DbProvider provider, bool async)
    {
        // Arrange: the app's own interceptor (after the outbox's) refuses the commit, having looked inside the transaction.
        var refuse = new RefuseCommit();
        await using var app = await OutboxApp.StartAsync(
            provider,
            o => o.DispatcherEnabled = false,
            services: s => s.ConfigureDbContext<ShopDbContext>(o => o.AddInterceptors(refuse)));
        Exception? thrown = null;
        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Orders.Add(new Order { Number = "3001" });
            tracker.Track(Order(), "order_3001");
            thrown = Record.Exception(() =>
            {
                if (async)
                {
                    db.SaveChangesAsync().GetAwaiter().GetResult();
                }
                else
                {
                    db.SaveChanges();
                }
            });
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert: the record was in the transaction when it failed to commit, and nothing of it is left.
        Assert.IsType<InvalidOperationException>(thrown);
        Assert.Equal(1, refuse.OutboxRowsSeen);
        Assert.Empty(app.Database.Orders());
        Assert.Empty(app.Database.Outbox());
        Assert.DoesNotContain("order_3001", await Pages.MeasuredIdsAsync(page));
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 206 && l.Level == LogLevel.Debug);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task CommitSucceeds_TheRecordWasInTheSameTransaction_AndIsKept(DbProvider provider, bool async)
    {
        // Arrange: the same interceptor, letting the commit through.
        var look = new RefuseCommit { Refuse = false };
        await using var app = await OutboxApp.StartAsync(
            provider,
            o => o.DispatcherEnabled = false,
            services: s => s.ConfigureDbContext<ShopDbContext>(o => o.AddInterceptors(look)));
        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Orders.Add(new Order { Number = "3002" });
            tracker.Track(Order(), "order_3002");
            if (async)
            {
                db.SaveChangesAsync().GetAwaiter().GetResult();
            }
            else
            {
                db.SaveChanges();
            }
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        Assert.Equal(1, look.OutboxRowsSeen);
        Assert.Single(app.Database.Orders());
        var row = Assert.Single(app.Database.Outbox());
        Assert.Equal("order_3002", row.EventId);
        Assert.Equal(OaiqOutboxMessageState.Pending, row.State);
        Assert.Equal(0, row.Attempts);
        Assert.Null(row.ClaimId);
        Assert.Equal(row.CreatedAt, row.DueAt);
        Assert.Contains("order_3002", await Pages.MeasuredIdsAsync(page));
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 204);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, 1)]
    [InlineData(DbProvider.Sqlite, 200)]
    [InlineData(DbProvider.Sqlite, 450)]
    [InlineData(DbProvider.PostgreSql, 1)]
    [InlineData(DbProvider.PostgreSql, 450)]
    public async Task OneSaveOfManyOrders_WritesEveryRecordOnce_WithItsOwnKey(DbProvider provider, int orders)
    {
        // Arrange: more records than one statement takes (200 rows) are split over several.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, _) =>
        {
            for (var i = 0; i < orders; i++)
            {
                db.Orders.Add(new Order { Number = "bulk_" + i });
                tracker.Track(Order(), "order_bulk_" + i);
            }

            db.SaveChanges();
        };

        // Act
        var post = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Equal(System.Net.HttpStatusCode.Redirect, post.StatusCode);
        var rows = app.Database.Outbox();
        Assert.Equal(orders, app.Database.Orders().Count);
        Assert.Equal(Enumerable.Range(0, orders).Select(i => "order_bulk_" + i).Order(), rows.Select(r => r.EventId).Order());
        Assert.Equal(orders, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(app.Api.PixelId, r.PixelId));
        Assert.All(rows, r => Assert.Equal(OaiqEventNames.OrderCreated, r.EventType));
        Assert.All(rows, r => Assert.Contains("\"order_bulk_", System.Text.Encoding.UTF8.GetString(r.Json), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    public async Task SaveChangesWithNothingElse_StillWritesTheRecord_BeforeItReturns(DbProvider provider, bool withOrder)
    {
        // Arrange: with an order, the record rides the transaction EF Core begins for the save; without one (the order was
        // saved before, for its key) the save has only the record to write, and must write it.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        List<string>? savedBeforeReturn = null;
        app.Scenario.Run = (db, tracker, _) =>
        {
            if (withOrder)
            {
                db.Orders.Add(new Order { Number = "3003" });
            }

            tracker.Track(Order(), "order_3003");
            db.SaveChanges();
            savedBeforeReturn = app.Database.Outbox().Select(m => m.EventId).ToList();
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert: written by the app's SaveChanges either way (204), never left for the end of the request (205).
        Assert.Contains("order_3003", await Pages.MeasuredIdsAsync(page));
        Assert.Equal(["order_3003"], savedBeforeReturn);
        Assert.Equal("order_3003", Assert.Single(app.Database.Outbox()).EventId);
        var logs = app.Logs.GetSnapshot();
        Assert.Contains(logs, l => l.Id.Id == 204);
        Assert.DoesNotContain(logs, l => l.Id.Id == 205);
    }

    [Theory]
    [InlineData(AutoTransactionBehavior.WhenNeeded)]
    [InlineData(AutoTransactionBehavior.Always)]
    [InlineData(AutoTransactionBehavior.Never)]
    public async Task TheContextsTransactionBehaviour_IsAsTheAppSetIt_AfterTheSave(AutoTransactionBehavior behaviour)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(DbProvider.Sqlite, o => o.DispatcherEnabled = false);
        AutoTransactionBehavior? after = null;
        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Database.AutoTransactionBehavior = behaviour;
            db.Orders.Add(new Order { Number = "3004" });
            tracker.Track(Order(), "order_3004");
            db.SaveChanges();
            after = db.Database.AutoTransactionBehavior;
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        Assert.Equal(behaviour, after);
        Assert.Equal("order_3004", Assert.Single(app.Database.Outbox()).EventId);
        Assert.Contains("order_3004", await Pages.MeasuredIdsAsync(page));
    }

    private static OaiqEvent Order() => OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD"));

    /// <summary>Counts the outbox rows inside the transaction as it is about to commit, then (when told to) refuses the commit.</summary>
    private sealed class RefuseCommit : DbTransactionInterceptor
    {
        public bool Refuse { get; init; } = true;

        public int OutboxRowsSeen { get; private set; }

        public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        {
            Look(transaction);
            return result;
        }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Look(transaction);
            return ValueTask.FromResult(result);
        }

        private void Look(DbTransaction transaction)
        {
            using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT COUNT(*) FROM oaiq_outbox";
            OutboxRowsSeen = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (Refuse)
            {
                throw new InvalidOperationException("The test refuses this commit.");
            }
        }
    }
}
