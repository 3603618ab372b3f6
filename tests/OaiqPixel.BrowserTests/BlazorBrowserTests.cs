using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// A Blazor Web App with static rendering: full loads, enhanced navigations, a streaming page, back/forward, an enhanced
/// form post and an interactive island. Each page a person reaches is measured once with the id its server leg got.
/// </summary>
public sealed class BlazorBrowserTests(BlazorShopFixture shop) : IClassFixture<BlazorShopFixture>
{
    [Fact]
    public async Task FullLoadEnhancedNavigationStreamingAndBackForward_EachPageMeasuredOnceWithItsServerId()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        var documents = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) { documents++; } };

        // Act: a full load, then enhanced navigations (one to a streaming page), back and forward.
        await page.GotoAsync(shop.Url("/").ToString());
        await WaitForViewsAsync(1, "/");
        await page.ClickAsync("#nav-product");
        await page.WaitForSelectorAsync("#page-product");
        await WaitForViewsAsync(2, "/products/sku-1");
        await page.ClickAsync("#nav-deals");
        await page.WaitForSelectorAsync("#deal");
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "contents_viewed" && c.Arguments.Contains("sku-2", StringComparison.Ordinal)), "the streamed deal's contents_viewed");
        await page.GoBackAsync();
        await page.WaitForSelectorAsync("#page-product");
        await WaitForViewsAsync(4, "/products/sku-1");
        await page.GoForwardAsync();
        await page.WaitForSelectorAsync("#deal");
        await WaitForViewsAsync(5, "/deals");

        // Assert: five views (one per page shown), each product view once per showing, every id on both legs.
        var measured = BothLegs.Measured(shop.Sandbox);
        Assert.Equal(["/", "/products/sku-1", "/deals", "/products/sku-1", "/deals"], measured.Where(c => c.EventName == "page_viewed").Select(c => c.Path));
        Assert.Equal(4, measured.Count(c => c.EventName == "contents_viewed"));
        Assert.Single(shop.Sandbox.BrowserCalls.Select(c => c.PageId).Distinct()); // one document: enhanced, not reloaded
        Assert.Single(shop.Sandbox.BrowserCalls, c => c.Command == "init");
        await BothLegs.AssertPairedAsync(shop.Sandbox);
        Assert.Equal(0, shop.AbortedRequests);
    }

    [Fact]
    public async Task EnhancedFormPost_OrderMeasuredOnceWithItsServerId_NoServerOnlyPageView()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        await page.GotoAsync(shop.Url("/").ToString());
        await WaitForViewsAsync(1, "/");
        await page.ClickAsync("#nav-checkout");
        await page.WaitForSelectorAsync("#page-checkout");

        // Act
        await page.FillAsync("#email", "ada@example.com");
        await page.ClickAsync("#place-order");
        var orderNumber = (await (await page.WaitForSelectorAsync("#order-number"))!.TextContentAsync())!;

        // Assert: the order once in the browser, with its own id on both legs; the post's page is measured, not server-only.
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "order_created"), "the order's browser leg");
        await BothLegs.AssertPairedAsync(shop.Sandbox);
        var order = Assert.Single(BothLegs.Measured(shop.Sandbox), c => c.EventName == "order_created");
        Assert.Equal($"order_{orderNumber}", order.EventId);
        Assert.Single(shop.Sandbox.BrowserCalls.Select(c => c.PageId).Distinct());
        Assert.Contains("emails_sha256", Assert.Single(shop.Sandbox.ServerEvents, e => e.Id == order.EventId).Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InteractiveIsland_EventInAHandler_BrowserLegThroughInteropWithTheServerLegsId()
    {
        // Arrange: a full load of the page with the interactive cart; wait for its circuit.
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        await page.GotoAsync(shop.Url("/cart").ToString());
        await WaitForViewsAsync(1, "/cart");
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");

        // Act: two clicks, each an event recorded in the circuit.
        await page.ClickAsync("#add-to-cart");
        await page.WaitForSelectorAsync("#cart-count:text('1')");
        var first = await page.TextContentAsync("#last-event-id");
        await page.ClickAsync("#add-to-cart");
        await page.WaitForSelectorAsync("#cart-count:text('2')");
        var second = await page.TextContentAsync("#last-event-id");

        // Assert: each id measured once in the browser and received once by the API, with the page's oppref-free context.
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Count(c => c.EventName == "items_added") == 2, "both items_added browser legs");
        var added = BothLegs.Measured(shop.Sandbox).Where(c => c.EventName == "items_added").Select(c => c.EventId).ToList();
        Assert.Equal([first, second], added);
        await BothLegs.AssertPairedAsync(shop.Sandbox);
        var serverCopy = Assert.Single(shop.Sandbox.ServerEvents, e => e.Id == first);
        Assert.EndsWith("/cart", serverCopy.SourceUrl, StringComparison.Ordinal);
        Assert.Contains("\"user_agent\"", serverCopy.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InteractiveIsland_ThenEnhancedNavigations_EachPageMeasuredOnceByItsRequest_NotAgainByTheCircuit()
    {
        // Arrange: a full load of the page with the interactive cart; wait for its circuit.
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        await page.GotoAsync(shop.Url("/cart").ToString());
        await WaitForViewsAsync(1, "/cart");
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");

        // Act: enhanced navigations away and back (the circuit is told each address), then an event in the circuit.
        await page.ClickAsync("#nav-product");
        await page.WaitForSelectorAsync("#page-product");
        await WaitForViewsAsync(2, "/products/sku-1");
        await page.ClickAsync("#nav-cart");
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");
        await WaitForViewsAsync(3, "/cart");
        await page.ClickAsync("#add-to-cart");
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "items_added"), "the cart's items_added");

        // Assert: each page once, by its request; the circuit, whose pixel is static, measured no route change itself.
        var measured = BothLegs.Measured(shop.Sandbox);
        Assert.Equal(["/cart", "/products/sku-1", "/cart"], measured.Where(c => c.EventName == "page_viewed").Select(c => c.Path));
        Assert.Single(measured, c => c.EventName == "contents_viewed");
        await BothLegs.AssertPairedAsync(shop.Sandbox);
        Assert.DoesNotContain(shop.Logs.GetSnapshot(), r => r.Category?.StartsWith("OaiqPixel", StringComparison.Ordinal) == true && r.Id.Id is 57 or 58);
        Assert.Equal(0, shop.AbortedRequests);
    }

    [Fact]
    public async Task InteractiveIsland_AfterALanding_EventsCarryTheNewestLandingsOppref()
    {
        // Arrange: a landing on a static page (no circuit), then an enhanced navigation to the page with the interactive
        // cart, whose circuit takes the visitor context from that page.
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        await page.GotoAsync(shop.Url("/?oppref=opp_first_landing").ToString());
        await WaitForViewsAsync(1, "/");
        await page.ClickAsync("#nav-cart");
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");

        // Act: a click in the circuit; then an enhanced navigation to a new landing (a newer click) and a click again.
        await page.ClickAsync("#add-to-cart");
        await page.WaitForSelectorAsync("#cart-count:text('1')");
        var first = await page.TextContentAsync("#last-event-id");
        await page.EvaluateAsync("() => Blazor.navigateTo('/cart?oppref=opp_second_landing')");
        await WaitForViewsAsync(3, "/cart");
        await page.ClickAsync("#add-to-cart");
        await page.WaitForSelectorAsync("#cart-count:text('2')");
        var second = await page.TextContentAsync("#last-event-id");

        // Assert: each conversion reached the API with the landing the visitor came from last; one document throughout.
        await Wait.UntilAsync(() => shop.Sandbox.ServerEvents.Count(e => e.Id == first || e.Id == second) == 2, "both items_added server legs");
        Assert.Equal("opp_first_landing", Assert.Single(shop.Sandbox.ServerEvents, e => e.Id == first).Oppref);
        Assert.Equal("opp_second_landing", Assert.Single(shop.Sandbox.ServerEvents, e => e.Id == second).Oppref);
        Assert.Single(shop.Sandbox.BrowserCalls.Select(c => c.PageId).Distinct());
        await BothLegs.AssertPairedAsync(shop.Sandbox);
        Assert.Equal(0, shop.AbortedRequests);
    }

    private Task WaitForViewsAsync(int count, string lastPath) =>
        Wait.UntilAsync(
            () => BothLegs.Measured(shop.Sandbox).Where(c => c.EventName == "page_viewed").ToList() is var views && views.Count >= count && views[^1].Path == lastPath,
            $"{count} page_viewed, the last on {lastPath}");
}
