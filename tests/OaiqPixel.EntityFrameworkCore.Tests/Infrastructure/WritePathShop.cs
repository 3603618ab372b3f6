using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>The shop the write-path tests share: a seeded order another writer can change, and an app whose saves retry.</summary>
internal static class WritePathShop
{
    /// <summary>The order <see cref="Seed"/> writes.</summary>
    public const string Seeded = "c1";

    /// <summary>An app whose database retries a transient failure (<see cref="RetryingTestStrategy"/>) that <paramref name="fault"/> injects; no dispatcher.</summary>
    public static async Task<OutboxApp> StartWithRetriesAsync(DbProvider provider, TransientFault fault)
    {
        var database = TestDatabase.Create(provider);
        database.ExecutionStrategy = d => new RetryingTestStrategy(d);
        return await OutboxApp.StartAsync(
            provider,
            o => o.DispatcherEnabled = false,
            services: s => s.ConfigureDbContext<ShopDbContext>(o => o.AddInterceptors(fault)),
            database: database);
    }

    public static void Seed(OutboxApp app)
    {
        using var db = app.Database.CreateContext();
        db.Orders.Add(new Order { Number = Seeded, TotalCents = 100 });
        db.SaveChanges();
    }

    /// <summary>Another writer (its own connection) changes the seeded order: the app's next update of it conflicts.</summary>
    public static void ChangedByAnotherWriter(OutboxApp app)
    {
        using var db = app.Database.CreateContext();
        var order = db.Orders.Single(o => o.Number == Seeded);
        order.Version++;
        db.SaveChanges();
    }

    public static OaiqEvent Order() => OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD"));
}
