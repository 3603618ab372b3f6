using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;
using static OaiqPixel.EntityFrameworkCore.Tests.Infrastructure.WritePathShop;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The outbox's one rule, on the rows the README's table adds for failed and retried saves: a tracked conversion joins the
/// app's next save and stays with the app's changes that save was writing — a later save that still writes them is a retry
/// and carries it, a save without them means the app gave up. After every row the context's transaction behaviour is as the
/// app left it.
/// </summary>
public sealed class WritePathTests
{
    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task ConcurrencyException_AppGivesUp_SavesSomethingElse_NoRecord_AndNeitherLeg(DbProvider provider, bool ownTransaction)
    {
        // Arrange: another writer changes the order after the app read it, so the app's update fails; the app detaches
        // the order, saves an audit row on the same context and answers 409.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        var behaviour = new BehaviourCheck();
        app.Scenario.FailWithStatus = StatusCodes.Status409Conflict;
        app.Scenario.Run = (db, tracker, _) =>
        {
            behaviour.Before(db);
            var order = db.Orders.Single(o => o.Number == Seeded);
            ChangedByAnotherWriter(app);
            using var transaction = ownTransaction ? db.Database.BeginTransaction() : null;
            order.TotalCents = 4200;
            tracker.Track(Order(), "order_c1");
            Assert.Throws<DbUpdateConcurrencyException>(() => db.SaveChanges());
            db.Entry(order).State = EntityState.Detached;
            db.Orders.Add(new Order { Number = "audit_c1" });
            db.SaveChanges();
            transaction?.Commit();
            behaviour.After(db);
        };

        // Act
        var response = await app.CreateClient().PostAsync("/place", null);

        // Assert: the audit row committed, the order's conversion did not ride on it.
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains(app.Database.Orders(), o => o.Number == "audit_c1");
        Assert.Empty(app.Database.Outbox());
        Assert.Null(Pages.Carrier(response));
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 206 && l.Message.Contains("order_c1", StringComparison.Ordinal));
        behaviour.AssertUnchanged();
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task ConcurrencyException_AppRefreshesAndSavesAgain_OneRecord_RenderedOnce(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        var behaviour = new BehaviourCheck();
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            behaviour.Before(db);
            var order = db.Orders.Single(o => o.Number == Seeded);
            ChangedByAnotherWriter(app);
            order.TotalCents = 4200;
            tracker.Track(Order(), "order_c1");
            var conflict = Assert.Throws<DbUpdateConcurrencyException>(() => db.SaveChanges());
            var entry = Assert.Single(conflict.Entries);
            entry.OriginalValues.SetValues(entry.GetDatabaseValues()!);
            db.SaveChanges();
            behaviour.After(db);
        };
        var client = app.CreateClient();

        // Act
        var post = await client.PostAsync("/place", null);
        var next = await Pages.GetWithCookieAsync(client, "/page", Pages.Carrier(post)!);

        // Assert
        Assert.Equal(4200, Assert.Single(app.Database.Orders()).TotalCents);
        Assert.Equal("order_c1", Assert.Single(app.Database.Outbox()).EventId);
        Assert.Single(await Pages.MeasuredIdsAsync(next), id => id == "order_c1");
        behaviour.AssertUnchanged();
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task RetryingStrategy_TransientFailureInTheInsertOrTheCommit_NoAppTransaction_OneRecord_Rendered(DbProvider provider, bool inTheCommit)
    {
        // Arrange: EF Core's execution strategy retries the whole save after the injected failure.
        var fault = new TransientFault();
        await using var app = await StartWithRetriesAsync(provider, fault);
        var behaviour = new BehaviourCheck();
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            behaviour.Before(db);
            if (inTheCommit)
            {
                fault.FailNextCommit();
            }
            else
            {
                fault.FailNextInsert();
            }

            db.Orders.Add(new Order { Number = "r1" });
            tracker.Track(Order(), "order_r1");
            db.SaveChanges();
            behaviour.After(db);
        };
        // Act and assert
        await PlaceThenAssertOneRecordRenderedOnceAsync(app, fault, behaviour, "order_r1");
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, true, false)]
    [InlineData(DbProvider.Sqlite, false, false)]
    [InlineData(DbProvider.Sqlite, true, true)]
    [InlineData(DbProvider.PostgreSql, true, false)]
    [InlineData(DbProvider.PostgreSql, false, false)]
    [InlineData(DbProvider.PostgreSql, false, true)]
    public async Task AppTransactionUnderARetryingStrategy_FirstCommitFails_RetryCommits_OneRecord_Rendered(DbProvider provider, bool executeInTransaction, bool async)
    {
        // Arrange: EF Core's documented patterns — ExecuteInTransaction(…SaveChanges(false)…, verify), or
        // Execute(() => { BeginTransaction; SaveChanges(false); Commit; }) — then AcceptAllChanges.
        var fault = new TransientFault();
        await using var app = await StartWithRetriesAsync(provider, fault);
        var behaviour = new BehaviourCheck();
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            behaviour.Before(db);
            db.Orders.Add(new Order { Number = "t1" });
            tracker.Track(Order(), "order_t1");
            fault.FailNextCommit();
            var strategy = db.Database.CreateExecutionStrategy();
            if (executeInTransaction)
            {
                if (async)
                {
                    strategy.ExecuteInTransactionAsync(
                        db,
                        (ctx, ct) => ctx.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct),
                        (ctx, ct) => ctx.Orders.AsNoTracking().AnyAsync(o => o.Number == "t1", ct)).GetAwaiter().GetResult();
                }
                else
                {
                    strategy.ExecuteInTransaction(db, ctx => ctx.SaveChanges(acceptAllChangesOnSuccess: false), ctx => ctx.Orders.AsNoTracking().Any(o => o.Number == "t1"));
                }
            }
            else if (async)
            {
                strategy.ExecuteAsync(async () =>
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    await db.SaveChangesAsync(acceptAllChangesOnSuccess: false);
                    await transaction.CommitAsync();
                }).GetAwaiter().GetResult();
            }
            else
            {
                strategy.Execute(() =>
                {
                    using var transaction = db.Database.BeginTransaction();
                    db.SaveChanges(acceptAllChangesOnSuccess: false);
                    transaction.Commit();
                });
            }

            db.ChangeTracker.AcceptAllChanges();
            behaviour.After(db);
        };
        // Act and assert
        await PlaceThenAssertOneRecordRenderedOnceAsync(app, fault, behaviour, "order_t1");
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task OrderSavedForItsKey_ThenTracked_ThenSavedAgain_InTheAppsTransaction_CarriedByTheRedirect(DbProvider provider, bool async)
    {
        // Arrange: the quick start's and MvcShop's checkout: the second save has only the record to write.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            if (async)
            {
                PlaceInTransactionAsync(db, tracker).GetAwaiter().GetResult();
                return;
            }

            using var transaction = db.Database.BeginTransaction();
            var order = new Order { Number = "k1" };
            db.Orders.Add(order);
            db.SaveChanges();
            tracker.Track(Order(), "order_" + order.Id);
            db.SaveChanges();
            transaction.Commit();
        };
        var client = app.CreateClient();

        // Act
        var post = await client.PostAsync("/place", null);
        var next = await Pages.GetWithCookieAsync(client, "/page", Pages.Carrier(post)!);

        // Assert
        var id = "order_" + Assert.Single(app.Database.Orders()).Id;
        Assert.Equal(id, Assert.Single(app.Database.Outbox()).EventId);
        Assert.Single(await Pages.MeasuredIdsAsync(next), m => m == id);
    }

    [Fact]
    public async Task EventHeldOnOnePage_ThenAnOrderCommitted_BothRenderOnTheConfirmation()
    {
        // Arrange: MvcShop's funnel: the checkout page tracks checkout_started (no save: held, carried on), then the POST
        // commits the order and redirects.
        await using var app = await OutboxApp.StartAsync(DbProvider.Sqlite, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                tracker.Track(OaiqEvent.CheckoutStarted(), "checkout_1");
                return;
            }

            PlaceInTransactionAsync(db, tracker).GetAwaiter().GetResult();
        };
        var client = app.CreateClient();

        // Act
        var checkout = await client.GetAsync("/page");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/place");
        request.Headers.Add("Cookie", Pages.Carrier(checkout)!);
        var post = await client.SendAsync(request);
        app.Scenario.Run = null;
        var confirmation = await Pages.GetWithCookieAsync(client, "/page", Pages.Carrier(post)!);

        // Assert
        var id = "order_" + Assert.Single(app.Database.Orders()).Id;
        Assert.DoesNotContain("checkout_1", await Pages.MeasuredIdsAsync(checkout));
        var measured = await Pages.MeasuredIdsAsync(confirmation);
        Assert.Contains("checkout_1", measured);
        Assert.Contains(id, measured);
    }

    [Fact]
    public async Task UnhandledExceptionBeforeAnySave_NoRecord()
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(DbProvider.Sqlite, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (_, tracker, _) =>
        {
            tracker.Track(Order(), "order_x1");
            throw new InvalidOperationException("The app failed before it saved the order.");
        };

        // Act: in Development the exception page answers 500.
        var response = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(app.Database.Outbox());
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 224 && l.Message.Contains("order_x1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task FailedSave_LeftAlone_IsDroppedAsTheEndpointEnds_AndNotCarried(DbProvider provider)
    {
        // Arrange: the save fails (a unique order number again) and the app answers without saving anything more.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Orders.Add(new Order { Number = Seeded });
            tracker.Track(Order(), "order_dup");
            Assert.Throws<DbUpdateException>(() => db.SaveChanges());
        };

        // Act
        var post = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Null(Pages.Carrier(post));
        Assert.Empty(app.Database.Outbox());
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 206 && l.Message.Contains("order_dup", StringComparison.Ordinal));
    }

    /// <summary>
    /// Posts the order, follows its redirect with the carrier, then asserts what a retried save must leave: the fault
    /// struck once, one order, one outbox record with <paramref name="eventId"/>, the next page measures it once, and the
    /// context's settings as the app left them.
    /// </summary>
    private static async Task PlaceThenAssertOneRecordRenderedOnceAsync(OutboxApp app, TransientFault fault, BehaviourCheck behaviour, string eventId)
    {
        var client = app.CreateClient();
        var post = await client.PostAsync("/place", null);
        var next = await Pages.GetWithCookieAsync(client, "/page", Pages.Carrier(post)!);

        Assert.Equal(1, fault.Injected);
        Assert.Single(app.Database.Orders());
        Assert.Equal(eventId, Assert.Single(app.Database.Outbox()).EventId);
        Assert.Single(await Pages.MeasuredIdsAsync(next), id => id == eventId);
        behaviour.AssertUnchanged();
    }

    /// <summary>The context's settings the outbox touches, as the app had them before its work and after it.</summary>
    private sealed class BehaviourCheck
    {
        private (AutoTransactionBehavior, bool)? _before;
        private (AutoTransactionBehavior, bool)? _after;

        public void Before(DbContext db) => _before = Read(db);

        public void After(DbContext db) => _after = Read(db);

        public void AssertUnchanged()
        {
            Assert.NotNull(_before);
            Assert.Equal(_before, _after);
        }

        private static (AutoTransactionBehavior, bool) Read(DbContext db) => (db.Database.AutoTransactionBehavior, db.ChangeTracker.AutoDetectChangesEnabled);
    }

    /// <summary>MvcShop's checkout: the order saved first for its key, then tracked, then saved again, in the app's transaction.</summary>
    private static async Task PlaceInTransactionAsync(ShopDbContext db, IConversionTracker tracker)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var order = new Order { Number = "k1" };
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        tracker.Track(Order(), "order_" + order.Id);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}
