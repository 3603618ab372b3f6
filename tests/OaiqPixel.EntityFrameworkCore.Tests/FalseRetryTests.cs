using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;
using static OaiqPixel.EntityFrameworkCore.Tests.Infrastructure.WritePathShop;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// Saves that merely look like a failed save's changes after the app gave up: the same row changed another way (another
/// column updated, or deleted) or only some of the failed changes again (a row of equal values) on a new context is not a
/// retry, so the conversion the failed save carried is not written.
/// </summary>
public sealed class FalseRetryTests
{
    [Theory]
    [InlineData(DbProvider.Sqlite, false)]
    [InlineData(DbProvider.Sqlite, true)]
    [InlineData(DbProvider.PostgreSql, false)]
    public async Task UpdateFailed_AppGivesUp_TheSameRowChangedAnotherWayOnANewContext_NoRecord(DbProvider provider, bool delete)
    {
        // Arrange: the order's total fails to save; the app then marks the order (or removes it) on a fresh context.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        app.Scenario.FailWithStatus = StatusCodes.Status409Conflict;
        app.Scenario.Run = (db, tracker, http) =>
        {
            var order = db.Orders.Single(o => o.Number == Seeded);
            ChangedByAnotherWriter(app);
            order.TotalCents = 4200;
            tracker.Track(Order(), "order_f1");
            Assert.Throws<DbUpdateConcurrencyException>(() => db.SaveChanges());
            using var other = new ShopDbContext(http.RequestServices.GetRequiredService<DbContextOptions<ShopDbContext>>());
            var same = other.Orders.Single(o => o.Number == Seeded);
            if (delete)
            {
                other.Orders.Remove(same);
            }
            else
            {
                same.Number = "c1-failed";
            }

            other.SaveChanges();
        };

        // Act
        var response = await app.CreateClient().PostAsync("/place", null);

        // Assert: the app's second change is in, the conversion of the change that failed is not.
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(delete ? [] : ["c1-failed"], app.Database.Orders().Select(o => o.Number));
        Assert.Empty(app.Database.Outbox());
        Assert.Null(Pages.Carrier(response));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task SaveFailed_AppGivesUp_OnlyAnIdenticalRowOfThatSaveWrittenOnANewContext_NoRecord(DbProvider provider)
    {
        // Arrange: the failed save updates the order and inserts a note row; the app gives up on the order and writes the
        // same note row (equal values) on a fresh context: one of the failed changes, not the order's.
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        Seed(app);
        app.Scenario.FailWithStatus = StatusCodes.Status409Conflict;
        app.Scenario.Run = (db, tracker, http) =>
        {
            var order = db.Orders.Single(o => o.Number == Seeded);
            ChangedByAnotherWriter(app);
            order.TotalCents = 4200;
            db.Orders.Add(new Order { Number = "note_f2" });
            tracker.Track(Order(), "order_f2");
            Assert.Throws<DbUpdateConcurrencyException>(() => db.SaveChanges());
            using var other = new ShopDbContext(http.RequestServices.GetRequiredService<DbContextOptions<ShopDbContext>>());
            other.Orders.Add(new Order { Number = "note_f2" });
            other.SaveChanges();
        };

        // Act
        var response = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains(app.Database.Orders(), o => o.Number == "note_f2");
        Assert.Empty(app.Database.Outbox());
        Assert.Null(Pages.Carrier(response));
    }
}
