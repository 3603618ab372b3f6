using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OaiqPixel.Sandbox;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// MvcShop as <c>dotnet run</c> starts it in Development (the sandbox's stub SDK and local Conversions API), on a free
/// loopback port, and one headless Debian Chromium. Every request off this machine is aborted and counted.
/// </summary>
public abstract class ShopBrowserFixture(bool requireConsent) : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;
    private int _abortedRequests;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public OaiqSandbox Sandbox => _factory!.Services.GetRequiredService<OaiqSandbox>();

    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Shop:RequireConsent", requireConsent ? "true" : "false");
            builder.UseSetting("Oaiq:ConversionsApi:BaseAddress", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/oaiq/"));
            builder.UseSetting("Oaiq:ConversionsApi:FlushInterval", "00:00:00.100");
        });
        _factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        _factory.StartServer();
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context (no cookies) and page; only loopback requests go through.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.RouteAsync("**/*", route =>
        {
            if (new Uri(route.Request.Url).Host is "127.0.0.1" or "localhost")
            {
                return route.ContinueAsync();
            }

            Interlocked.Increment(ref _abortedRequests);
            return route.AbortAsync();
        });
        return page;
    }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
