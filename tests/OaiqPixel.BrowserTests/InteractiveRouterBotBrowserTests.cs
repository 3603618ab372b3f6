namespace OaiqPixel.BrowserTests;

/// <summary>
/// A bot's browser (headless Chromium's own user agent) under an interactive router: the route changes the circuit
/// measures keep their views to the browser, as a request's views do (README "Views that no person sees"), while a
/// conversion still goes server-side.
/// </summary>
public sealed class InteractiveRouterBotBrowserTests(InteractiveBlazorShopFixture shop) : IClassFixture<InteractiveBlazorShopFixture>
{
    [Fact]
    public async Task Bot_InteractiveRouteChanges_NoViewOnTheServerLeg_TheConversionStillSent()
    {
        // Arrange: a bot loads the cart (prerendered, then the circuit).
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync(headlessUserAgent: true);
        await page.GotoAsync(shop.Url("/cart").ToString());
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");

        // Act: a route change to a product (page_viewed and contents_viewed in the circuit), back, and a conversion.
        await page.ClickAsync("#nav-product");
        await page.WaitForSelectorAsync("#page-product");
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "contents_viewed"), "the product's contents_viewed in the browser");
        await page.ClickAsync("#nav-cart");
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");
        await page.ClickAsync("#add-to-cart");
        await page.WaitForSelectorAsync("#cart-count:text('1')");
        var added = await page.TextContentAsync("#last-event-id");

        // The conversion reaching the API is the marker: the views, recorded before it, would have reached it first.
        await Wait.UntilAsync(() => shop.Sandbox.ServerEvents.Any(e => e.Id == added), "the conversion's server leg");

        // Assert: every view measured in the browser, none on the server leg; the conversion on both.
        var measured = BothLegs.Measured(shop.Sandbox);
        Assert.Equal(["/cart", "/products/sku-1", "/cart"], measured.Where(c => c.EventName == "page_viewed").Select(c => c.Path));
        Assert.DoesNotContain(shop.Sandbox.ServerEvents, e => e.Type is "page_viewed" or "contents_viewed");
        Assert.Equal("items_added", Assert.Single(shop.Sandbox.ServerEvents).Type);
        var skipped = shop.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("OaiqPixel", StringComparison.Ordinal) == true && r.Id.Id == 40).ToList();
        Assert.NotEmpty(skipped);
        Assert.All(skipped, r => Assert.Contains("(bot)", r.Message, StringComparison.Ordinal));
        Assert.Equal(0, shop.AbortedRequests);
    }
}
