using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.TestApps;

/// <summary>A small MVC app on TestServer: the test's options, a fake sink, a fake clock and collected logs.</summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string PixelId = "px_test_123";

    /// <summary>A person's desktop Chrome (isbot: not a bot).</summary>
    public const string BrowserUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private readonly WebApplication _app;

    private TestApp(WebApplication app)
    {
        _app = app;
    }

    public CapturingSink Sink => _app.Services.GetRequiredService<CapturingSink>();

    public TestScenario Scenario => _app.Services.GetRequiredService<TestScenario>();

    public FakeTimeProvider Time => _app.Services.GetRequiredService<FakeTimeProvider>();

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(
        Action<OaiqTrackingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? beforeTracking = null,
        Action<WebApplication>? endpoints = null,
        bool useTracking = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        // The test output folder also holds MvcShop's appsettings; the test app must not read them.
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddFakeLogging();
        builder.Services
            .AddControllersWithViews()
            .ConfigureApplicationPartManager(parts => parts.ApplicationParts.Clear())
            .AddApplicationPart(typeof(TestApp).Assembly);

        builder.Services.AddOaiqTracking(options =>
        {
            options.PixelId = PixelId;
            // A key turns the server leg on; the capturing store below keeps its records, so nothing is sent.
            options.ConversionsApi.ApiKey = "sk-test";
            configure?.Invoke(options);
        });

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<CapturingSink>();
        builder.Services.AddSingleton<IConversionEventStore>(sp => sp.GetRequiredService<CapturingSink>());
        builder.Services.AddSingleton<TestScenario>();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        beforeTracking?.Invoke(app);
        app.UseRouting();
        if (useTracking)
        {
            app.UseOaiqTracking();
        }

        app.MapControllers();
        endpoints?.Invoke(app);
        await app.StartAsync();
        return new TestApp(app);
    }

    /// <summary>
    /// A client whose requests are a person's browser navigating (<paramref name="browser"/>: Fetch Metadata
    /// <c>Sec-Fetch-Mode: navigate</c>, <c>Sec-Fetch-Dest: document</c> and a desktop Chrome user agent), so view events
    /// reach the server leg too; or, without it, a script's requests (user agent <c>OaiqTest/1.0</c>, no Fetch Metadata).
    /// </summary>
    public HttpClient CreateClient(bool https = false, bool browser = true, string host = "localhost")
    {
        var client = _app.GetTestClient();
        client.BaseAddress = new Uri((https ? "https://" : "http://") + host + "/");
        if (browser)
        {
            AddNavigationHeaders(client.DefaultRequestHeaders);
        }
        else
        {
            client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("OaiqTest", "1.0"));
        }

        return client;
    }

    /// <summary>What Chrome sends on a top-level navigation typed into the address bar.</summary>
    public static void AddNavigationHeaders(HttpHeaders headers)
    {
        headers.TryAddWithoutValidation("User-Agent", BrowserUserAgent);
        headers.Add("Sec-Fetch-Site", "none");
        headers.Add("Sec-Fetch-Mode", "navigate");
        headers.Add("Sec-Fetch-User", "?1");
        headers.Add("Sec-Fetch-Dest", "document");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return await new HtmlParser().ParseDocumentAsync(html);
    }

    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];
}
