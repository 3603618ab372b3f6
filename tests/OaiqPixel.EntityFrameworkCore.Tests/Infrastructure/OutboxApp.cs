using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OaiqPixel.AspNetCore;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.Testing;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// The test shop on TestServer with the outbox on one provider's fresh database, a loopback <see cref="FakeConversionsApi"/>,
/// collected logs, and the <see cref="ShopScenario"/> its actions run.
/// </summary>
public sealed class OutboxApp : IAsyncDisposable
{
    public const string BrowserUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private readonly WebApplication _app;

    private OutboxApp(WebApplication app, TestDatabase database, FakeConversionsApi api)
    {
        _app = app;
        Database = database;
        Api = api;
    }

    public TestDatabase Database { get; }

    public FakeConversionsApi Api { get; }

    public IServiceProvider Services => _app.Services;

    public ShopScenario Scenario => Services.GetRequiredService<ShopScenario>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    internal OutboxDispatcher Dispatcher => Services.GetServices<IHostedService>().OfType<OutboxDispatcher>().Single();

    public static async Task<OutboxApp> StartAsync(
        DbProvider provider,
        Action<OaiqOutboxOptions>? outbox = null,
        Action<OaiqTrackingOptions>? tracking = null,
        Action<IServiceCollection>? services = null,
        FakeConversionsApiOptions? apiOptions = null,
        TestDatabase? database = null,
        bool createSchema = true)
    {
        database ??= TestDatabase.Create(provider);
        if (createSchema)
        {
            database.CreateSchema();
        }

        var api = await FakeConversionsApi.StartAsync(apiOptions);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddFakeLogging();
        builder.Services.AddControllersWithViews()
            .ConfigureApplicationPartManager(parts => parts.ApplicationParts.Clear())
            .AddApplicationPart(typeof(OutboxApp).Assembly);
        builder.Services.AddSingleton<ShopScenario>();
        builder.Services.AddDbContext<ShopDbContext>(database.Configure);
        builder.Services
            .AddOaiqTracking(o =>
            {
                o.PixelId = api.PixelId;
                o.ConsentMode = OaiqConsentMode.AlwaysGranted;
                var c = o.ConversionsApi;
                c.ApiKey = api.ApiKey;
                c.BaseAddress = api.BaseAddress;
                c.FlushInterval = TimeSpan.FromMilliseconds(20);
                c.RequestTimeout = TimeSpan.FromSeconds(2);
                c.TotalRequestTimeout = TimeSpan.FromSeconds(10);
                c.RetryDelay = TimeSpan.FromMilliseconds(20);
                c.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
                c.BackoffDelay = TimeSpan.FromMilliseconds(50);
                c.MaxBackoffDelay = TimeSpan.FromMilliseconds(200);
                tracking?.Invoke(o);
            })
            .AddEntityFrameworkOutbox<ShopDbContext>(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                outbox?.Invoke(o);
            });
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseRouting();
        app.UseOaiqTracking();
        app.MapControllers();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            await api.DisposeAsync();
            database.Dispose();
            throw;
        }

        return new OutboxApp(app, database, api);
    }

    /// <summary>A client whose requests are a person's browser navigating, so view events reach the server leg too.</summary>
    public HttpClient CreateClient()
    {
        var client = _app.GetTestClient();
        client.BaseAddress = new Uri("https://shop.example/");
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", BrowserUserAgent);
        client.DefaultRequestHeaders.Add("Sec-Fetch-Mode", "navigate");
        client.DefaultRequestHeaders.Add("Sec-Fetch-Dest", "document");
        client.DefaultRequestHeaders.Add("Sec-Fetch-Site", "none");
        return client;
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Api.DisposeAsync();
        Database.Dispose();
    }
}
