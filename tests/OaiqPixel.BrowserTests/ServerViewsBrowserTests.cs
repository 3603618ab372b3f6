namespace OaiqPixel.BrowserTests;

/// <summary>
/// Issue 11, item 4, in Chromium: a page load a person sees sends its views on both legs with one id; headless Chromium
/// (a bot's user agent, Fetch Metadata and all) keeps them in the browser; a prerendered page measures on activation.
/// </summary>
public sealed class ServerViewsBrowserTests(OpenShopFixture shop) : IClassFixture<OpenShopFixture>
{
    [Fact]
    public async Task PageLoad_SendsPageViewedAndContentsViewedOnBothLegsWithOneIdEach()
    {
        // Arrange
        var page = await shop.NewPageAsync();

        // Act
        await page.GotoAsync(shop.Url("/products/sku-2").ToString());

        // Assert
        var sandbox = shop.Sandbox;
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.Path == "/products/sku-2" && c.EventName == "contents_viewed"), "the product page's pixel calls");
        var pageId = sandbox.BrowserCalls.First(c => c.Path == "/products/sku-2").PageId;
        var measured = sandbox.BrowserCalls.Where(c => c.PageId == pageId && c.Command == "measure").ToList();
        Assert.Equal(["page_viewed", "contents_viewed"], measured.Select(c => c.EventName));
        await Wait.UntilAsync(() => measured.All(c => sandbox.ServerEvents.Any(e => e.Id == c.EventId)), "the server leg of both views");
        Assert.All(measured, c => Assert.Equal(c.EventName, Assert.Single(sandbox.ServerEvents, e => e.Id == c.EventId).Type));
    }

    [Fact]
    public async Task HeadlessChromium_MeasuresInTheBrowserOnly()
    {
        // Arrange
        var headless = await shop.NewPageAsync(headlessUserAgent: true);
        var person = await shop.NewPageAsync();
        var sandbox = shop.Sandbox;

        // Act: headless Chromium loads a page, then a person's browser loads another.
        await headless.GotoAsync(shop.Url("/products/sku-3").ToString());
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.Path == "/products/sku-3" && c.EventName == "contents_viewed"), "headless Chromium's pixel calls");
        await person.GotoAsync(shop.Url("/pricing").ToString());
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.Path == "/pricing" && c.EventName == "page_viewed"), "the person's pixel calls");

        // Assert: the person's page_viewed reaches the server leg, which sends in order, so headless Chromium's views,
        // recorded earlier, would have arrived by then.
        var headlessIds = sandbox.BrowserCalls.Where(c => c.Path == "/products/sku-3" && c.Command == "measure").Select(c => c.EventId!).ToList();
        var personId = sandbox.BrowserCalls.First(c => c.Path == "/pricing" && c.EventName == "page_viewed").EventId!;
        Assert.Equal(2, headlessIds.Count);
        await Wait.UntilAsync(() => sandbox.ServerEvents.Any(e => e.Id == personId), "the person's page_viewed on the server leg");
        Assert.DoesNotContain(sandbox.ServerEvents, e => headlessIds.Contains(e.Id));
    }

    [Fact]
    public async Task PrerenderedPage_RunsThePixelOnlyOnActivation()
    {
        // Arrange: the page believes it is prerendered (document.prerendering) until the test activates it.
        var page = await shop.NewPageAsync();
        await page.AddInitScriptAsync("""
            Object.defineProperty(document, "prerendering", { configurable: true, get: () => window.__activated !== true });
            """);

        // Act: load it; it is complete (every inline script ran) but not activated.
        await page.GotoAsync(shop.Url("/cart").ToString());
        await PageWait.ForPageAsync(page, "/cart");
        var before = await page.EvaluateAsync<string>("() => typeof window.oaiq + ' ' + document.querySelectorAll('script[src]').length");

        await page.EvaluateAsync("() => { window.__activated = true; document.dispatchEvent(new Event('prerenderingchange')); }");

        // Assert: nothing ran before activation (no oaiq queue, no SDK script); on activation init and page_viewed run once.
        Assert.Equal("undefined 0", before);
        await page.WaitForFunctionAsync("() => Array.isArray(window.__oaiqCalls) && window.__oaiqCalls.some(a => a[0] === 'measure' && a[1] === 'page_viewed')");
        var calls = await page.EvaluateAsync<string[]>("() => window.__oaiqCalls.map(a => a[0] + (a[0] === 'measure' ? ':' + a[1] : ''))");
        Assert.Equal(["init", "measure:page_viewed"], calls);
        // A second prerenderingchange runs nothing again (the SDK records calls synchronously once loaded).
        Assert.Equal(2, await page.EvaluateAsync<int>("() => { document.dispatchEvent(new Event('prerenderingchange')); return window.__oaiqCalls.length; }"));
    }
}
