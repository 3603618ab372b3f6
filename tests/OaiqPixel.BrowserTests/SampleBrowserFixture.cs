extern alias BlazorShopApp;
extern alias MinimalShopApp;

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Playwright;
using OaiqPixel.Sandbox;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// A sample app as <c>dotnet run</c> starts it in Development (the sandbox's stub SDK and local Conversions API), on a
/// free loopback port, and one headless Debian Chromium; every request off this machine is aborted and counted.
/// <typeparamref name="TEntryPoint"/> is any type of the sample's assembly.
/// </summary>
public abstract class SampleBrowserFixture<TEntryPoint>(params (string Key, string Value)[] settings) : IAsyncLifetime
    where TEntryPoint : class
{
    private WebApplicationFactory<TEntryPoint>? _factory;
    private IPlaywright? _playwright;
    private int _abortedRequests;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public OaiqSandbox Sandbox => _factory!.Services.GetRequiredService<OaiqSandbox>();

    /// <summary>What the app logged, beside its own providers.</summary>
    public FakeLogCollector Logs => _factory!.Services.GetFakeLogCollector();

    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _factory = new WebApplicationFactory<TEntryPoint>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Oaiq:ConversionsApi:BaseAddress", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/oaiq/"));
            builder.UseSetting("Oaiq:ConversionsApi:FlushInterval", "00:00:00.100");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.AddFakeLogging());
            builder.ConfigureServices(ConfigureServices);
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

    /// <summary>
    /// A fresh browser context (no cookies) and page; only loopback requests go through. It presents itself as a person's
    /// Chrome of the same version; <paramref name="headlessUserAgent"/> keeps headless Chromium's own user agent
    /// (<c>HeadlessChrome/…</c>), which the library takes for a bot's.
    /// </summary>
    public async Task<IPage> NewPageAsync(bool headlessUserAgent = false)
    {
        var context = await Browser.NewContextAsync(new()
        {
            UserAgent = headlessUserAgent ? null : string.Create(CultureInfo.InvariantCulture,
                $"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{Browser.Version.Split('.')[0]}.0.0.0 Safari/537.36"),
        });
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

    /// <summary>Services a fixture adds to the sample's own (after them).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async Task DisposeAsync()
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

/// <summary>BlazorShop with static rendering, enhanced navigation and an interactive island (the default).</summary>
public sealed class BlazorShopFixture() : SampleBrowserFixture<BlazorShopApp::BlazorShop.Components.App>;

/// <summary>BlazorShop with an interactive router: <c>&lt;Routes&gt;</c> and <c>&lt;OaiqPixel /&gt;</c> are InteractiveServer.</summary>
public sealed class InteractiveBlazorShopFixture() : SampleBrowserFixture<BlazorShopApp::BlazorShop.Components.App>(("Shop:GlobalInteractivity", "true"));

/// <summary>
/// BlazorShop with an interactive router but a static <c>&lt;OaiqPixel /&gt;</c> (no render mode, Shop:StaticPixel): the
/// circuit measures the route changes the pixel cannot see.
/// </summary>
public sealed class StaticPixelInteractiveBlazorShopFixture() : SampleBrowserFixture<BlazorShopApp::BlazorShop.Components.App>(
    ("Shop:GlobalInteractivity", "true"), ("Shop:StaticPixel", "true"));

/// <summary>BlazorShop with a second pixel, a marketplace seller's (Oaiq:Pixels and Shop:SellerPixelId): the order goes to each by measureSingle.</summary>
public sealed class BlazorShopTwoPixelsFixture() : SampleBrowserFixture<BlazorShopApp::BlazorShop.Components.App>(
    ("Oaiq:Pixels:0:PixelId", MinimalShopTwoPixelsFixture.SellerPixel), ("Shop:SellerPixelId", MinimalShopTwoPixelsFixture.SellerPixel));

/// <summary>MinimalShop: minimal API pages, Razor Pages and a RazorComponentResult page.</summary>
public sealed class MinimalShopFixture() : SampleBrowserFixture<MinimalShopApp::MinimalShop.Pages.PricingModel>;

/// <summary>MinimalShop with a second pixel, a marketplace seller's (Oaiq:Pixels and Shop:SellerPixelId).</summary>
public sealed class MinimalShopTwoPixelsFixture() : SampleBrowserFixture<MinimalShopApp::MinimalShop.Pages.PricingModel>(
    ("Oaiq:Pixels:0:PixelId", MinimalShopTwoPixelsFixture.SellerPixel), ("Shop:SellerPixelId", MinimalShopTwoPixelsFixture.SellerPixel))
{
    public const string SellerPixel = "demo-seller-0002";
}

/// <summary>MinimalShop with Oaiq:BrowserLeg DataLayer: pushes to window.dataLayer for a tag manager, no SDK.</summary>
public sealed class MinimalShopDataLayerFixture() : SampleBrowserFixture<MinimalShopApp::MinimalShop.Pages.PricingModel>(("Oaiq:BrowserLeg", "DataLayer"));
