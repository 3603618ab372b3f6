extern alias BlazorShopApp;

using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// A Blazor Web App whose router is interactive (Server): route changes happen in the circuit, without a request, and
/// the interactive <c>&lt;OaiqPixel /&gt;</c> measures them through JS interop with the id the server leg got.
/// </summary>
public sealed class InteractiveRouterBrowserTests(InteractiveBlazorShopFixture shop) : InteractiveRouterScenario<InteractiveBlazorShopFixture>(shop)
{
    protected override int StaticPixelLogs => 0;
}

/// <summary>
/// The same app with its <c>&lt;OaiqPixel /&gt;</c> left static (no render mode) under the interactive router: the pixel
/// never sees a route change, and the circuit measures each one — and the pages' events — as the interactive pixel does,
/// saying so once in the log (57) with the fix.
/// </summary>
public sealed class StaticPixelInteractiveRouterBrowserTests(StaticPixelInteractiveBlazorShopFixture shop) : InteractiveRouterScenario<StaticPixelInteractiveBlazorShopFixture>(shop)
{
    protected override int StaticPixelLogs => 1;
}

/// <summary>What a visitor of an interactive router does, and what both legs must show for it.</summary>
public abstract class InteractiveRouterScenario<TFixture>(TFixture shop) : IClassFixture<TFixture>
    where TFixture : SampleBrowserFixture<BlazorShopApp::BlazorShop.Components.App>
{
    /// <summary>How many times the app says its <c>&lt;OaiqPixel /&gt;</c> is static under the interactive router (log 57).</summary>
    protected abstract int StaticPixelLogs { get; }

    [Fact]
    public async Task InteractiveRouteChange_PageViewAndPageEventOnBothLegsOnce_PrerenderedPageNotMeasuredAgain()
    {
        // Arrange: a full (prerendered) load; wait for the circuit.
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        var documentRequests = new List<string>();
        page.Request += (_, request) => { if (request.ResourceType is "document" or "fetch") { documentRequests.Add(new Uri(request.Url).AbsolutePath); } };
        await page.GotoAsync(shop.Url("/cart").ToString());
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");

        // Act: a route change inside the interactive router, then an event in a handler on the new route's way back.
        await page.ClickAsync("#nav-product");
        await page.WaitForSelectorAsync("#page-product");
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "contents_viewed"), "the product's contents_viewed");
        await page.ClickAsync("#nav-cart");
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");
        await page.ClickAsync("#add-to-cart");
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "items_added"), "the cart's items_added");

        // Assert: no request fetched /products/sku-1 (the circuit rendered it); three views, each once, on both legs.
        Assert.DoesNotContain("/products/sku-1", documentRequests);
        var measured = BothLegs.Measured(shop.Sandbox);
        Assert.Equal(["/cart", "/products/sku-1", "/cart"], measured.Where(c => c.EventName == "page_viewed").Select(c => c.Path));
        Assert.Single(measured, c => c.EventName == "contents_viewed");
        Assert.Single(measured, c => c.EventName == "items_added");
        await BothLegs.AssertPairedAsync(shop.Sandbox);
        Assert.EndsWith("/products/sku-1", Assert.Single(shop.Sandbox.ServerEvents, e => e.Type == "contents_viewed").SourceUrl, StringComparison.Ordinal);
        Assert.Equal(0, shop.AbortedRequests);
        var logs = shop.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("OaiqPixel", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(StaticPixelLogs, logs.Count(r => r.Id.Id == 57));
        Assert.DoesNotContain(logs, r => r.Id.Id == 58);
    }
}
