using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Writing;
using OaiqPixel.Testing;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// The outbox without a web host, on a fake clock: records go in through the sink, and the test runs the dispatcher's
/// rounds itself, so leases, back-off and retention are decided by the clock the test moves. <see cref="Advance"/> moves
/// the database's clock (which judges leases and due times) with the instance's; <c>Time.Advance</c> alone makes the
/// instance's clock run ahead of the database's.
/// </summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    private DispatcherHarness(ServiceProvider provider, TestDatabase database, FakeConversionsApi api, TimerTrackingTimeProvider time)
    {
        Provider = provider;
        Database = database;
        Api = api;
        Time = time;
    }

    public ServiceProvider Provider { get; }

    public TestDatabase Database { get; }

    public FakeConversionsApi Api { get; }

    public TimerTrackingTimeProvider Time { get; }

    public OutboxDispatcher Dispatcher => Provider.GetServices<IHostedService>().OfType<OutboxDispatcher>().Single();

    public IConversionEventSink Sink => Provider.GetRequiredService<IConversionEventSink>();

    public FakeLogCollector Logs => Provider.GetFakeLogCollector();

    /// <param name="provider">The database.</param>
    /// <param name="outbox">Changes the outbox's options (lease one minute, dead letters kept three days).</param>
    /// <param name="database">A database of the test's own (on a cluster it stops and starts), instead of a fresh one.</param>
    /// <param name="context">Adds to the app's context options (an interceptor that cuts the database at one statement).</param>
    /// <param name="tracking">Changes the tracking options after the harness's own.</param>
    public static async Task<DispatcherHarness> StartAsync(
        DbProvider provider,
        Action<OaiqOutboxOptions>? outbox = null,
        TestDatabase? database = null,
        Action<Microsoft.EntityFrameworkCore.DbContextOptionsBuilder>? context = null,
        Action<OaiqTrackingOptions>? tracking = null)
    {
        // The fake API checks event times against the same fake clock.
        var time = new TimerTrackingTimeProvider(DateTimeOffset.UtcNow);
        database ??= TestDatabase.Create(provider);
        database.CreateSchema();
        var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { TimeProvider = time });
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddFakeLogging());
        services.AddSingleton<TimeProvider>(time);
        services.AddDbContext<ShopDbContext>(o =>
        {
            database.Configure(o);
            context?.Invoke(o);
        });
        services.AddOaiqTracking(o =>
            {
                o.PixelId = api.PixelId;
                var c = o.ConversionsApi;
                c.ApiKey = api.ApiKey;
                c.BaseAddress = api.BaseAddress;
                c.MaxRetryAttempts = 1;
                c.RetryDelay = TimeSpan.FromMilliseconds(10);
                c.MaxRetryDelay = TimeSpan.FromMilliseconds(10);
                c.BackoffDelay = TimeSpan.FromSeconds(1);
                c.MaxBackoffDelay = TimeSpan.FromSeconds(10);
                // The resilience handler runs on the DI clock too: keep its timeouts out of reach of the test's clock moves.
                c.RequestTimeout = TimeSpan.FromHours(1);
                c.TotalRequestTimeout = TimeSpan.FromHours(2);
                tracking?.Invoke(o);
            })
            .AddEntityFrameworkOutbox<ShopDbContext>(o =>
            {
                o.LeaseDuration = TimeSpan.FromMinutes(1);
                o.DeadLetterRetention = TimeSpan.FromDays(3);
                outbox?.Invoke(o);
            });
        services.AddHealthChecks().AddOaiqOutbox();
        var built = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var harness = new DispatcherHarness(built, database, api, time);
        harness.Dispatcher.Prepare();

        // The sink writes in the background; the test runs the dispatcher's rounds itself.
        await built.GetRequiredService<OutboxBackgroundWriter>().StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Writes orders through the sink, stamped with the fake clock's time, and returns once they are in the table.</summary>
    public List<string> Write(int count, string prefix = "order_", DateTimeOffset? at = null)
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var id = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Sink.TryEnqueue(new ConversionEvent(OaiqEvent.OrderCreated(Money.FromMinorUnits(100 + i, "USD")), id, at ?? Time.GetUtcNow())
            {
                ActionSource = ActionSource.Other,
            }));
            ids.Add(id);
        }

        // The sink's write happens in the background: wait for the positive marker, the rows themselves.
        var written = SpinWait.SpinUntil(() => Database.Outbox().Count(m => ids.Contains(m.EventId)) >= count, TimeSpan.FromSeconds(30));
        Assert.True(written, "The sink's background write did not reach the table in 30 s.");
        return ids;
    }

    /// <summary>Time passes: on the instance's fake clock and on the database's clock alike.</summary>
    public void Advance(TimeSpan by)
    {
        Dispatcher.Clock.Shift += by;
        Time.Advance(by);
    }

    /// <summary>Claims as another dispatcher would (its own claim id), with the dispatcher's claimer.</summary>
    public async Task<List<ClaimedMessage>> ClaimAsAnotherAsync(TimeSpan lease, int take = 100)
    {
        using var db = Database.CreateContext();
        return (await Dispatcher.Claimer.ClaimAsync(db, Guid.NewGuid(), lease, take, CancellationToken.None)).Messages;
    }

    /// <summary>Writes by hand a pending row a round cannot read (its json is <c>{}</c>): the round dead-letters it before the send.</summary>
    public async Task WriteUnreadableAsync(string eventId)
    {
        using var db = Database.CreateContext();
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO oaiq_outbox (pixel_id, event_id, event_type, occurred_at, json, state, created_at, due_at, attempts) VALUES ({0}, {1}, 'order_created', {2}, {3}, 0, {2}, {2}, 0)",
            Api.PixelId, eventId, now, "{}"u8.ToArray());
    }

    public Task<RoundResult> RoundAsync() => Dispatcher.RunRoundAsync(CancellationToken.None);

    /// <summary>
    /// A round during which the fake clock moves on in 20 ms steps: the HTTP client's own retry waits (on the same clock)
    /// end instead of waiting for a clock nobody moves. The clock ends a little ahead (tens of milliseconds).
    /// </summary>
    public async Task<RoundResult> RoundWithTickingClockAsync()
    {
        var round = Dispatcher.RunRoundAsync(CancellationToken.None);
        while (!round.IsCompleted)
        {
            Advance(TimeSpan.FromMilliseconds(20));
            await Task.WhenAny(round, Task.Delay(5));
        }

        return await round;
    }

    public MetricCollector<long> Collect(string instrument) => new(Provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), OaiqTelemetry.MeterName, instrument);

    public async Task<HealthReport> HealthAsync() => await Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await Api.DisposeAsync();
        Database.Dispose();
    }
}
