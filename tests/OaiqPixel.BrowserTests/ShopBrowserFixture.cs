using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// MvcShop on a real loopback Kestrel, and one headless Debian Chromium for the whole class. The SDK URL is the
/// official CDN's; the browser gets a local stub for it that records every <c>oaiq</c> call, and every other
/// non-loopback request is aborted.
/// </summary>
public sealed class ShopBrowserFixture : IAsyncLifetime
{
    public const string SdkUrl = "https://bzrcdn.openai.com/sdk/oaiq.min.js";

    // Replaces the loader's queue with a recorder and replays what was queued before it loaded.
    private const string SdkStub = """
        (function (w) {
          var queued = (w.oaiq && w.oaiq.q) || [];
          var calls = w.__oaiqCalls = [];
          var oaiq = function () { calls.push(Array.prototype.slice.call(arguments)); };
          oaiq.loaded = true;
          w.oaiq = oaiq;
          for (var i = 0; i < queued.length; i++) { oaiq.apply(null, queued[i]); }
        })(window);
        """;

    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    private int _sdkRequests;
    private int _abortedRequests;

    public int SdkRequests => Volatile.Read(ref _sdkRequests);

    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Oaiq:SdkUrl", SdkUrl);
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        // Catch-all first (abort anything off this machine); the SDK route is added last, so it wins.
        await page.RouteAsync("**/*", route =>
        {
            var host = new Uri(route.Request.Url).Host;
            if (host is "127.0.0.1" or "localhost")
            {
                return route.ContinueAsync();
            }

            Interlocked.Increment(ref _abortedRequests);
            return route.AbortAsync();
        });
        await page.RouteAsync(SdkUrl, route =>
        {
            Interlocked.Increment(ref _sdkRequests);
            return route.FulfillAsync(new() { Status = 200, ContentType = "application/javascript", Body = SdkStub });
        });
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
