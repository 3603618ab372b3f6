using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;
using static OaiqPixel.EntityFrameworkCore.Tests.Infrastructure.WritePathShop;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The README's "What the outbox does" table under the variations apps really write: a second context of the app's type
/// in one request, a retry that re-reads its rows or makes a new context per attempt (EF Core's connection-resiliency
/// page), a unique-key failure fixed and saved again, savepoints the app releases, bulk updates in the transaction,
/// events tracked between two saves, and saves outside any request.
/// </summary>
public sealed class WritePathEdgeTests
{
    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task ConcurrencyException_AppGivesUp_AuditSavedOnASecondContextOfTheSameType_NoRecord(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        app.Scenario.FailWithStatus = StatusCodes.Status409Conflict;
        app.Scenario.Run = (db, tracker, http) =>
        {
            var order = db.Orders.Single(o => o.Number == Seeded);
            ChangedByAnotherWriter(app);
            order.TotalCents = 4200;
            tracker.Track(Order(), "order_c1");
            Assert.Throws<DbUpdateConcurrencyException>(() => db.SaveChanges());
            using var audit = SecondContext(http);
            audit.Orders.Add(new Order { Number = "audit_c1" });
            audit.SaveChanges();
        };

        // Act
        var response = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains(app.Database.Orders(), o => o.Number == "audit_c1");
        Assert.Empty(app.Database.Outbox());
        Assert.Null(Pages.Carrier(response));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task ConcurrencyException_AppClearsTheTrackerRereadsAndSavesAgain_OneRecord_RenderedOnce(DbProvider provider, bool ownTransaction)
    {
        // Arrange: the retry loop that re-reads the row (a new entity object for the same row) after a conflict.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            tracker.Track(Order(), "order_c1");

            // Read, then changed by the other writer before the app's transaction (SQLite lets one writer at a time).
            var order = db.Orders.Single(o => o.Number == Seeded);
            ChangedByAnotherWriter(app);
            using var transaction = ownTransaction ? db.Database.BeginTransaction() : null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                if (attempt > 0)
                {
                    order = db.Orders.Single(o => o.Number == Seeded);
                }

                order.TotalCents = 4200;
                try
                {
                    db.SaveChanges();
                    transaction?.Commit();
                    return;
                }
                catch (DbUpdateConcurrencyException)
                {
                    db.ChangeTracker.Clear();
                }
            }
        };

        // Act and assert
        await PlaceThenAssertRenderedOnceAsync(app, "order_c1");
        Assert.Equal(4200, Assert.Single(app.Database.Orders()).TotalCents);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task RetryingStrategy_ANewContextPerAttempt_FirstCommitFails_RetryCommits_OneRecord_Rendered(DbProvider provider, bool async)
    {
        // Arrange: EF Core's connection-resiliency page: strategy.Execute(() => { using var context = new …; BeginTransaction;
        // SaveChanges; Commit; }), the event tracked before it.
        var fault = new TransientFault();
        await using var app = await StartWithRetriesAsync(provider, fault);
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            tracker.Track(Order(), "order_n1");
            fault.FailNextCommit();
            var strategy = db.Database.CreateExecutionStrategy();
            if (async)
            {
                strategy.ExecuteAsync(async () =>
                {
                    await using var context = SecondContext(http);
                    await using var transaction = await context.Database.BeginTransactionAsync();
                    context.Orders.Add(new Order { Number = "n1" });
                    await context.SaveChangesAsync();
                    await transaction.CommitAsync();
                }).GetAwaiter().GetResult();
            }
            else
            {
                strategy.Execute(() =>
                {
                    using var context = SecondContext(http);
                    using var transaction = context.Database.BeginTransaction();
                    context.Orders.Add(new Order { Number = "n1" });
                    context.SaveChanges();
                    transaction.Commit();
                });
            }
        };

        // Act and assert
        await PlaceThenAssertRenderedOnceAsync(app, "order_n1");
        Assert.Equal(1, fault.Injected);
        Assert.Single(app.Database.Orders());
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task UniqueKeyViolated_AppFixesTheEntityAndSavesAgain_OneRecord_RenderedOnce(DbProvider provider, bool ownTransaction)
    {
        // Arrange: the order number is taken; the app picks another and saves the same entity again (in PostgreSQL's case
        // inside its transaction, which EF Core's savepoint keeps usable).
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            using var transaction = ownTransaction ? db.Database.BeginTransaction() : null;
            var order = new Order { Number = Seeded };
            db.Orders.Add(order);
            tracker.Track(Order(), "order_u1");
            Assert.Throws<DbUpdateException>(() => db.SaveChanges());
            order.Number = "u1";
            db.SaveChanges();
            transaction?.Commit();
        };

        // Act and assert
        await PlaceThenAssertRenderedOnceAsync(app, "order_u1");
        Assert.Contains(app.Database.Orders(), o => o.Number == "u1");
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task SavepointCreatedAndReleased_BothRecordsKept_AndRendered(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, _) =>
        {
            using var transaction = db.Database.BeginTransaction();
            db.Orders.Add(new Order { Number = "s1" });
            tracker.Track(Order(), "order_s1");
            db.SaveChanges();
            transaction.CreateSavepoint("second");
            db.Orders.Add(new Order { Number = "s2" });
            tracker.Track(Order(), "order_s2");
            db.SaveChanges();
            transaction.ReleaseSavepoint("second");
            transaction.Commit();
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        var ids = await Pages.MeasuredIdsAsync(page);
        Assert.Contains("order_s1", ids);
        Assert.Contains("order_s2", ids);
        Assert.Equal(["order_s1", "order_s2"], app.Database.Outbox().Select(m => m.EventId));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    public async Task BulkUpdateAndRawSqlInTheTransaction_RecordFollowsTheTransaction(DbProvider provider, bool commit)
    {
        // Arrange: ExecuteUpdate and raw SQL write outside the change tracker; the save after them carries the event.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        app.Scenario.Run = (db, tracker, _) =>
        {
            using var transaction = db.Database.BeginTransaction();
            tracker.Track(Order(), "order_b1");
            db.Orders.Where(o => o.Number == Seeded).ExecuteUpdate(s => s.SetProperty(o => o.TotalCents, 999));
            db.Database.ExecuteSql($"UPDATE orders SET \"Version\" = \"Version\" + 1");
            db.SaveChanges();
            if (commit)
            {
                transaction.Commit();
            }
            else
            {
                transaction.Rollback();
            }
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        var ids = await Pages.MeasuredIdsAsync(page);
        Assert.Equal(commit, ids.Contains("order_b1"));
        Assert.Equal(commit ? ["order_b1"] : [], app.Database.Outbox().Select(m => m.EventId));
        Assert.Equal(commit ? 999 : 100, Assert.Single(app.Database.Orders()).TotalCents);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    public async Task EventsTrackedBetweenTwoSavesOfOneTransaction_BothFollowItsEnd(DbProvider provider, bool commit)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, _) =>
        {
            using var transaction = db.Database.BeginTransaction();
            tracker.Track(Order(), "order_t1");
            db.Orders.Add(new Order { Number = "t1" });
            db.SaveChanges();
            tracker.Track(OaiqEvent.LeadCreated(), "lead_t2");
            db.Orders.Add(new Order { Number = "t2" });
            db.SaveChanges();
            if (commit)
            {
                transaction.Commit();
            }
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        var ids = await Pages.MeasuredIdsAsync(page);
        Assert.Equal(commit, ids.Contains("order_t1"));
        Assert.Equal(commit, ids.Contains("lead_t2"));
        Assert.Equal(commit ? ["order_t1", "lead_t2"] : [], app.Database.Outbox().Select(m => m.EventId));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task TwoContextsOfOneType_EachEventFollowsTheSaveItJoined(DbProvider provider)
    {
        // Arrange: the order's save waits in the first context's transaction, the lead is tracked after it and saved on a
        // second context (no transaction); then the first transaction rolls back.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, http) =>
        {
            using var transaction = db.Database.BeginTransaction();
            tracker.Track(Order(), "order_x1");
            db.Orders.Add(new Order { Number = "x1" });
            db.SaveChanges();
            transaction.Rollback();
            tracker.Track(OaiqEvent.LeadCreated(), "lead_x2");
            using var second = SecondContext(http);
            second.Orders.Add(new Order { Number = "x2" });
            second.SaveChanges();
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        var ids = await Pages.MeasuredIdsAsync(page);
        Assert.DoesNotContain("order_x1", ids);
        Assert.Contains("lead_x2", ids);
        Assert.Equal(["lead_x2"], app.Database.Outbox().Select(m => m.EventId));
        Assert.Equal(["x2"], app.Database.Orders().Select(o => o.Number));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task SinkAndSaveInABackgroundScope_TheSaveIsUntouched_TheRecordIsWrittenOnItsOwn(DbProvider provider, bool async)
    {
        // Arrange: a worker's scope, no request: the app's save is not the outbox's business.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        var sink = scope.ServiceProvider.GetRequiredService<IConversionEventSink>();
        var behaviour = db.Database.AutoTransactionBehavior;

        // Act
        db.Orders.Add(new Order { Number = "w1" });
        Assert.True(sink.TryEnqueue(new ConversionEvent(Order(), "order_w1", DateTimeOffset.UtcNow) { ActionSource = ActionSource.Other }));
        var saved = async ? await db.SaveChangesAsync() : db.SaveChanges();

        // Assert
        Assert.Equal(1, saved);
        Assert.Equal(behaviour, db.Database.AutoTransactionBehavior);
        Assert.Empty(db.ChangeTracker.Entries<OaiqOutboxMessage>());
        await WaitForAsync(() => app.Database.Outbox().Count == 1);
        Assert.Equal("order_w1", Assert.Single(app.Database.Outbox()).EventId);
        Assert.Single(app.Database.Orders());
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task AppTurnedTransactionsOff_SaveFails_AppGivesUp_NoRecord_AndTheSettingKept(DbProvider provider, bool conflict)
    {
        // Arrange: AutoTransactionBehavior.Never, so each statement of the save commits on its own; the order's statement
        // fails (a unique number taken, or another writer's change).
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        AutoTransactionBehavior? after = null;
        app.Scenario.FailWithStatus = StatusCodes.Status409Conflict;
        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
            if (conflict)
            {
                var order = db.Orders.Single(o => o.Number == Seeded);
                ChangedByAnotherWriter(app);
                order.TotalCents = 4200;
            }
            else
            {
                db.Orders.Add(new Order { Number = Seeded });
            }

            tracker.Track(Order(), "order_never");
            Assert.ThrowsAny<DbUpdateException>(() => db.SaveChanges());
            after = db.Database.AutoTransactionBehavior;
        };

        // Act
        var response = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(AutoTransactionBehavior.Never, after);
        Assert.Empty(app.Database.Outbox());
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task AppTurnedTransactionsOff_SaveChangesAsyncSucceeds_RecordWrittenRightAfterIt_AndRendered(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
            db.Orders.Add(new Order { Number = "never_ok" });
            tracker.Track(Order(), "order_never_ok");
            db.SaveChangesAsync().GetAwaiter().GetResult();
            Assert.Equal(AutoTransactionBehavior.Never, db.Database.AutoTransactionBehavior);
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        Assert.Contains("order_never_ok", await Pages.MeasuredIdsAsync(page));
        Assert.Equal("order_never_ok", Assert.Single(app.Database.Outbox()).EventId);
        Assert.Single(app.Database.Orders());
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task AmbientTransactionScope_RecordFollowsIt(bool complete, bool async)
    {
        // Arrange: a System.Transactions scope (PostgreSQL enlists the connection), completed or left without Complete.
        await using var app = await OutboxApp.StartAsync(DbProvider.PostgreSql, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, _) =>
        {
            using (var scope = new System.Transactions.TransactionScope(System.Transactions.TransactionScopeAsyncFlowOption.Enabled))
            {
                db.Orders.Add(new Order { Number = "a1" });
                tracker.Track(Order(), "order_a1");
                if (async)
                {
                    db.SaveChangesAsync().GetAwaiter().GetResult();
                }
                else
                {
                    db.SaveChanges();
                }

                if (complete)
                {
                    scope.Complete();
                }
            }
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        Assert.Equal(complete, (await Pages.MeasuredIdsAsync(page)).Contains("order_a1"));
        Assert.Equal(complete ? ["order_a1"] : [], app.Database.Outbox().Select(m => m.EventId));
        Assert.Equal(complete ? 1 : 0, app.Database.Orders().Count);
    }

    /// <summary>Another context of the app's type, built from the request's options (the outbox's interceptor included).</summary>
    private static ShopDbContext SecondContext(HttpContext http) =>
        new(http.RequestServices.GetRequiredService<DbContextOptions<ShopDbContext>>());

    private static async Task PlaceThenAssertRenderedOnceAsync(OutboxApp app, string eventId)
    {
        var client = app.CreateClient();
        var post = await client.PostAsync("/place", null);
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var carrier = Pages.Carrier(post);
        Assert.NotNull(carrier);
        var next = await Pages.GetWithCookieAsync(client, "/page", carrier);
        Assert.Equal(eventId, Assert.Single(app.Database.Outbox()).EventId);
        Assert.Single(await Pages.MeasuredIdsAsync(next), id => id == eventId);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "The condition did not become true in 30 s.");
    }
}
