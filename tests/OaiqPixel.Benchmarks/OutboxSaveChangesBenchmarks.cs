using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel;
using OaiqPixel.EntityFrameworkCore;

/// <summary>
/// Issue 14: what the outbox adds to the app's own <c>SaveChanges</c>. Both benchmarks are a fresh request that saves one
/// order through the app's context on a SQLite file (WAL) with the outbox registered; <c>TrackAndSaveOrder</c> also
/// <c>Track</c>s the order's conversion, so the same <c>SaveChanges</c> writes its outbox record in the same transaction
/// (2 rows instead of 1). The dispatcher is off: this is the write, not the delivery (the load driver's <c>--outbox</c>).
/// </summary>
[MemoryDiagnoser]
public class OutboxSaveChangesBenchmarks
{
    private string _folder = null!;
    private ServiceProvider _services = null!;
    private IHttpContextAccessor _accessor = null!;
    private OaiqEvent _order = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("oaiq-bench-outbox-").FullName;
        var connectionString = $"Data Source={Path.Combine(_folder, "shop.db")}";
        OutboxBenchShop.CreateSchema("sqlite", connectionString);

        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddDbContext<OutboxBenchShop>(o => OutboxBenchShop.Configure(o, "sqlite", connectionString));
        services.AddOaiqTracking(o =>
            {
                o.PixelId = "px_bench";
                o.ConsentMode = OaiqPixel.AspNetCore.OaiqConsentMode.AlwaysGranted;
                o.ConversionsApi.ApiKey = "sk-svcacct-bench";
            })
            .AddEntityFrameworkOutbox<OutboxBenchShop>(o => o.DispatcherEnabled = false);
        _services = services.BuildServiceProvider();
        _accessor = _services.GetRequiredService<IHttpContextAccessor>();
        _order = OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
        [
            new Content { Id = "sku_1", Name = "Starter bundle", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
            new Content { Id = "sku_2", Name = "Refill", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
        ]);

        TrackAndSaveOrder();
        using var check = OutboxBenchShop.Create("sqlite", connectionString);
        if (check.Set<OaiqOutboxMessage>().Count() != 1)
        {
            throw new InvalidOperationException("The tracked order's SaveChanges did not write its outbox record.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _accessor.HttpContext = null;
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int SaveOrder()
    {
        using var scope = NewRequest();
        var db = scope.ServiceProvider.GetRequiredService<OutboxBenchShop>();
        db.Orders.Add(new OutboxBenchOrder { Number = "order_42", TotalMinor = 7797 });
        return db.SaveChanges();
    }

    [Benchmark]
    public int TrackAndSaveOrder()
    {
        using var scope = NewRequest();
        var db = scope.ServiceProvider.GetRequiredService<OutboxBenchShop>();
        db.Orders.Add(new OutboxBenchOrder { Number = "order_42", TotalMinor = 7797 });
        scope.ServiceProvider.GetRequiredService<IConversionTracker>().Track(_order, "order_42");
        return db.SaveChanges();
    }

    private IServiceScope NewRequest()
    {
        var scope = _services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("shop.example");
        context.Request.Path = "/checkout";
        context.Request.Headers.UserAgent = "Mozilla/5.0 (bench)";
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        _accessor.HttpContext = context;
        return scope;
    }
}
