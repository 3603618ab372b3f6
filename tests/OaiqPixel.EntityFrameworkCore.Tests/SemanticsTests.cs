using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The README's table, row by row, on SQLite and on PostgreSQL: what the server leg and the browser leg do when the app
/// commits, fails, rolls back, never saves, or uses the sink outside a request.
/// </summary>
public sealed class SemanticsTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task TrackThenSaveChanges_RedirectCarriesTheEvent_AndTheRecordIsDelivered(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider);
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method == "POST")
            {
                db.Orders.Add(new Order { Number = "1001", TotalCents = 2599 });
                tracker.Track(Order(), "order_1001");
                db.SaveChanges();
            }
        };
        var client = app.CreateClient();

        // Act
        var post = await client.PostAsync("/place", null);
        var carrier = Pages.Carrier(post);
        app.Scenario.Run = null;
        var next = await Pages.GetWithCookieAsync(client, "/page", carrier!);

        // The next page's own page_viewed may reach the API first: wait for the order itself.
        await WaitForAsync(() => app.Api.EventIds.Contains("order_1001"));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Contains("order_1001", await Pages.MeasuredIdsAsync(next));
        Assert.Contains("order_1001", app.Api.EventIds);
        Assert.Single(app.Database.Orders());
        await WaitForAsync(() => app.Database.Outbox().Count == 0);
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 204);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task TrackInsideATransaction_RecordAppearsOnlyWithTheOrder_AtCommit(DbProvider provider)
    {
        // Arrange: no dispatcher, so the row stays to be looked at.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        int? outboxBeforeCommit = null;
        int? ordersBeforeCommit = null;
        app.Scenario.Run = (db, tracker, _) =>
        {
            using var transaction = db.Database.BeginTransaction();
            db.Orders.Add(new Order { Number = "1002", TotalCents = 100 });
            tracker.Track(Order(), "order_1002");
            db.SaveChanges();
            outboxBeforeCommit = app.Database.Outbox().Count;   // another connection: sees committed rows only
            ordersBeforeCommit = app.Database.Orders().Count;
            transaction.Commit();
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert: written by the app's transaction, invisible to others until it committed, then both are there.
        Assert.Contains("order_1002", await Pages.MeasuredIdsAsync(page));
        Assert.Equal(0, outboxBeforeCommit);
        Assert.Equal(0, ordersBeforeCommit);
        var row = Assert.Single(app.Database.Outbox());
        Assert.Equal("order_1002", row.EventId);
        Assert.Single(app.Database.Orders());
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task SaveChangesThrows_NoRecord_AndNeitherLeg(DbProvider provider)
    {
        // Arrange: order number 1003 exists, so saving it again breaks the unique index.
        await using var app = await OutboxApp.StartAsync(provider);
        using (var db = app.Database.CreateContext())
        {
            db.Orders.Add(new Order { Number = "1003" });
            db.SaveChanges();
        }

        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Orders.Add(new Order { Number = "1003" });
            tracker.Track(Order(), "order_1003_again");
            Assert.Throws<DbUpdateException>(() => db.SaveChanges());
        };
        var client = app.CreateClient();

        // Act
        var post = await client.PostAsync("/place", null);
        var page = await client.GetAsync("/page");
        await DeliverMarkerAsync(app, client);

        // Assert
        Assert.Null(Pages.Carrier(post));
        Assert.DoesNotContain("order_1003_again", await Pages.MeasuredIdsAsync(page));
        Assert.DoesNotContain("order_1003_again", app.Api.EventIds);
        Assert.DoesNotContain(app.Database.Outbox(), m => m.EventId == "order_1003_again");
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 206 && l.Level == LogLevel.Debug);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TwoPixels_TheBrowserLegFollowsTheTransaction_ThoughTheServerLegHoldsACopyPerPixel(bool commit)
    {
        // Arrange: a second pixel, so the server leg writes one record per pixel (ConversionEvent.ForPixel copies).
        var apiOptions = new OaiqPixel.Testing.FakeConversionsApiOptions();
        apiOptions.AdditionalPixels["px_second"] = apiOptions.ApiKey;
        await using var app = await OutboxApp.StartAsync(
            DbProvider.Sqlite,
            tracking: o => o.Pixels.Add(new OaiqPixel.AspNetCore.OaiqPixelOptions { PixelId = "px_second" }),
            apiOptions: apiOptions);
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            using var transaction = db.Database.BeginTransaction();
            db.Orders.Add(new Order { Number = "2001" });
            tracker.Track(Order(), "order_2001");
            db.SaveChanges();
            if (commit)
            {
                transaction.Commit();
            }
        };
        var client = app.CreateClient();

        // Act
        var post = await client.PostAsync("/place", null);
        app.Scenario.Run = null;
        await DeliverMarkerAsync(app, client, pixels: 2);

        // Assert: committed, the carrier takes the browser leg and both pixels get the order; rolled back, neither leg.
        Assert.Equal(commit, Pages.Carrier(post) is not null);
        Assert.Equal(commit ? 2 : 0, app.Api.Events.Count(e => e.GetProperty("id").GetString() == "order_2001"));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    public async Task TransactionRollsBack_NoRecord_AndNeitherLeg(DbProvider provider, bool explicitRollback)
    {
        // Arrange: saved inside a transaction that is rolled back (or disposed without a commit).
        await using var app = await OutboxApp.StartAsync(provider);
        app.Scenario.Run = (db, tracker, http) =>
        {
            if (http.Request.Method != "POST")
            {
                return;
            }

            using var transaction = db.Database.BeginTransaction();
            db.Orders.Add(new Order { Number = "1004" });
            tracker.Track(Order(), "order_1004");
            db.SaveChanges();
            if (explicitRollback)
            {
                transaction.Rollback();
            }
        };
        var client = app.CreateClient();

        // Act
        var post = await client.PostAsync("/place", null);
        app.Scenario.Run = null;
        await DeliverMarkerAsync(app, client);

        // Assert
        Assert.Null(Pages.Carrier(post));
        Assert.DoesNotContain("order_1004", app.Api.EventIds);
        Assert.DoesNotContain(app.Database.Orders(), o => o.Number == "1004");
        Assert.DoesNotContain(app.Database.Outbox(), m => m.EventId == "order_1004");
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task TrackWithoutSaveChanges_SavedOnItsOwnOnceTheEndpointRan_LoggedAtDebug_AndRenderedOnTheNextPage(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (_, tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_7");
        var client = app.CreateClient();

        // Act
        var page = await client.GetAsync("/page");
        app.Scenario.Run = null;
        var next = await Pages.GetWithCookieAsync(client, "/page", Pages.Carrier(page)!);

        // Assert: its write is not known while the page renders, so the page holds it and the carrier takes it on.
        Assert.DoesNotContain("lead_7", await Pages.MeasuredIdsAsync(page));
        Assert.Contains("lead_7", await Pages.MeasuredIdsAsync(next));
        Assert.Equal("lead_7", Assert.Single(app.Database.Outbox()).EventId);
        var log = Assert.Single(app.Logs.GetSnapshot(), l => l.Id.Id == 205);
        Assert.Equal(LogLevel.Debug, log.Level);
        Assert.Contains("lead_7", log.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task TrackAfterTheLastSaveChanges_SavedOnItsOwn_AndRenderedOnTheNextPage(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Orders.Add(new Order { Number = "1005" });
            db.SaveChanges();
            tracker.Track(Order(), "order_1005");
        };
        var client = app.CreateClient();

        // Act
        var page = await client.GetAsync("/page");
        app.Scenario.Run = null;
        var next = await Pages.GetWithCookieAsync(client, "/page", Pages.Carrier(page)!);

        // Assert
        Assert.DoesNotContain("order_1005", await Pages.MeasuredIdsAsync(page));
        Assert.Contains("order_1005", await Pages.MeasuredIdsAsync(next));
        Assert.Equal("order_1005", Assert.Single(app.Database.Outbox()).EventId);
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 205);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), l => l.Id.Id == 204);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task SinkOutsideARequest_WritesInTheBackground(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        var sink = app.Get<IConversionEventSink>();

        // Act
        var accepted = sink.TryEnqueue(new ConversionEvent(Order(), "renewal_9", DateTimeOffset.UtcNow) { ActionSource = ActionSource.Other });

        // Assert: accepted without waiting on the database, then in the table.
        Assert.True(accepted);
        await WaitForAsync(() => app.Database.Outbox().Count == 1);
        var row = Assert.Single(app.Database.Outbox());
        Assert.Equal("renewal_9", row.EventId);
        Assert.Equal(OaiqOutboxMessageState.Pending, row.State);
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 207);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task TwoConfiguredPixels_AnEventForEveryPixel_IsKeptOncePerPixel_InAndOutsideARequest(DbProvider provider)
    {
        // Arrange: a second configured pixel (the page renders both, spec §1.7).
        const string second = "px_second";
        await using var app = await OutboxApp.StartAsync(
            provider,
            o => o.DispatcherEnabled = false,
            tracking: o => o.Pixels.Add(new OaiqPixelOptions { PixelId = second, ApiKey = "sk-svcacct-second" }));
        app.Scenario.Run = (db, tracker, http) =>
        {
            db.Orders.Add(new Order { Number = "1007", TotalCents = 2599 });
            tracker.Track(Order(), "order_1007");
            db.SaveChanges();
        };

        // Act: one conversion in a request, one handed to the sink outside any.
        await app.CreateClient().GetAsync("/page");
        app.Scenario.Run = null;
        var accepted = app.Get<IConversionEventSink>().TryEnqueue(new ConversionEvent(Order(), "renewal_10", DateTimeOffset.UtcNow) { ActionSource = ActionSource.Other });

        // Assert: each event once for each pixel, with one id (each pixel deduplicates on its own, spec §5).
        Assert.True(accepted);
        await WaitForAsync(() => app.Database.Outbox().Count == 4);
        var rows = app.Database.Outbox().Select(r => (r.EventId, r.PixelId)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(
            new HashSet<(string, string)> { ("order_1007", app.Api.PixelId), ("order_1007", second), ("renewal_10", app.Api.PixelId), ("renewal_10", second) },
            rows.ToHashSet());
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    public async Task ViewEvents_KeepTheInMemoryQueue_UnlessIncluded(DbProvider provider, bool includeViews)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o =>
        {
            o.DispatcherEnabled = false;
            o.IncludeViewEvents = includeViews;
        });

        // Act: a person's navigation, so page_viewed has a server copy.
        var page = await app.CreateClient().GetAsync("/page");
        var pageViewId = Assert.Single(await Pages.MeasuredIdsAsync(page));

        // Assert
        if (includeViews)
        {
            Assert.Equal(pageViewId, Assert.Single(app.Database.Outbox()).EventId);
        }
        else
        {
            await app.Api.WaitForEventsAsync(1, s_wait);
            Assert.Contains(pageViewId, app.Api.EventIds);
            Assert.Empty(app.Database.Outbox());
        }
    }

    [Fact]
    public async Task EventFilter_DecidesInsteadOfTheViewRule()
    {
        // Arrange: only leads go through the outbox.
        await using var app = await OutboxApp.StartAsync(DbProvider.Sqlite, o =>
        {
            o.DispatcherEnabled = false;
            o.EventFilter = e => e.Event.Name == OaiqEventNames.LeadCreated;
        });
        app.Scenario.Run = (_, tracker, _) =>
        {
            tracker.Track(OaiqEvent.LeadCreated(), "lead_1");
            tracker.Track(Order(), "order_1");
        };

        // Act
        await app.CreateClient().GetAsync("/page");
        await app.Api.WaitForEventsAsync(2, s_wait);

        // Assert: the order and the page view went to the in-memory queue.
        Assert.Equal("lead_1", Assert.Single(app.Database.Outbox()).EventId);
        Assert.Contains("order_1", app.Api.EventIds);
    }

    [Theory]
    [InlineData(500, false)]
    [InlineData(503, false)]
    [InlineData(400, true)]
    [InlineData(404, true)]
    public async Task RequestEndingWithAServerError_DropsWhatNoSaveChangesCarried(int status, bool saved)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(DbProvider.Sqlite, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (_, tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_5");
        app.Scenario.FailWithStatus = status;

        // Act
        var response = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(saved ? 1 : 0, app.Database.Outbox().Count);
        Assert.Equal(saved ? 0 : 1, app.Logs.GetSnapshot().Count(l => l.Id.Id == 224));
        Assert.Equal(saved, Pages.Carrier(response) is not null);
    }

    [Fact]
    public async Task DatabaseRefusesTheWrite_TheEventFallsBackToTheInMemoryQueue()
    {
        // Arrange: the table is gone, so the record's own save fails.
        await using var app = await OutboxApp.StartAsync(DbProvider.Sqlite, o => o.DispatcherEnabled = false);
        using (var db = app.Database.CreateContext())
        {
            db.Database.ExecuteSqlRaw("DROP TABLE oaiq_outbox");
        }

        app.Scenario.Run = (_, tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_fallback");
        var client = app.CreateClient();

        // Act
        var page = await client.GetAsync("/page");
        app.Scenario.Run = null;
        var next = await Pages.GetWithCookieAsync(client, "/page", Pages.Carrier(page)!);
        await app.Api.WaitForEventsAsync(2, s_wait);

        // Assert: not durable, but neither lost nor failing the page (held there, rendered on the next).
        Assert.Contains("lead_fallback", await Pages.MeasuredIdsAsync(next));
        Assert.Contains("lead_fallback", app.Api.EventIds);
        var log = Assert.Single(app.Logs.GetSnapshot(), l => l.Id.Id == 208);
        Assert.Equal(LogLevel.Warning, log.Level);
    }

    [Fact]
    public async Task TransactionStillOpenAsTheRedirectStarts_NotCarried_ButDeliveredOnceCommitted()
    {
        // Arrange: the app commits only after the response has started (here: once it completed).
        await using var app = await OutboxApp.StartAsync(DbProvider.Sqlite);
        app.Scenario.Run = (db, tracker, http) =>
        {
            var transaction = db.Database.BeginTransaction();
            db.Orders.Add(new Order { Number = "1006" });
            tracker.Track(Order(), "order_1006");
            db.SaveChanges();
            http.Response.OnCompleted(() =>
            {
                transaction.Commit();
                transaction.Dispose();
                return Task.CompletedTask;
            });
        };

        // Act
        var post = await app.CreateClient().PostAsync("/place", null);
        await app.Api.WaitForEventsAsync(1, s_wait);

        // Assert
        Assert.Null(Pages.Carrier(post));
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 209 && l.Message.Contains("order_1006", StringComparison.Ordinal));
        Assert.Contains("order_1006", app.Api.EventIds);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    [InlineData(DbProvider.PostgreSql, true)]
    public async Task SavepointRolledBack_DropsOnlyTheRecordsWrittenAfterIt(DbProvider provider, bool async)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        app.Scenario.Run = (db, tracker, _) =>
        {
            using var transaction = db.Database.BeginTransaction();
            db.Orders.Add(new Order { Number = "2001" });
            tracker.Track(Order(), "order_2001");
            db.SaveChanges();
            transaction.CreateSavepoint("second");
            db.Orders.Add(new Order { Number = "2002" });
            tracker.Track(Order(), "order_2002");
            db.SaveChanges();
            if (async)
            {
                transaction.RollbackToSavepointAsync("second").GetAwaiter().GetResult();
            }
            else
            {
                transaction.RollbackToSavepoint("second");
            }

            transaction.Commit();
        };

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert
        var ids = await Pages.MeasuredIdsAsync(page);
        Assert.Contains("order_2001", ids);
        Assert.DoesNotContain("order_2002", ids);
        Assert.Equal(["order_2001"], app.Database.Outbox().Select(m => m.EventId));
    }

    private static OaiqEvent Order() => OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD"));

    /// <summary>Records a conversion that does go through and waits until the API has it: whatever was due before it went too.</summary>
    /// <summary>
    /// Commits a marker conversion after the events under test and waits until every pixel has it: each pixel's records
    /// go in that pixel's own requests, so one pixel's marker says nothing about the other's.
    /// </summary>
    private static async Task DeliverMarkerAsync(OutboxApp app, HttpClient client, int pixels = 1)
    {
        var previous = app.Scenario.Run;
        app.Scenario.Run = (db, tracker, _) =>
        {
            db.Orders.Add(new Order { Number = "marker" });
            tracker.Track(OaiqEvent.LeadCreated(), "marker");
            db.SaveChanges();
        };
        await client.PostAsync("/place", null);
        app.Scenario.Run = previous;
        await WaitForAsync(() => app.Api.Events.Count(e => e.GetProperty("id").GetString() == "marker") >= pixels);
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
