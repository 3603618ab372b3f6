using System.Text.RegularExpressions;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// Minimal API pages (HttpContext.GetOaiqPixel), Razor Pages (&lt;oaiq-pixel /&gt;, a page handler's conversion after a
/// redirect) and a RazorComponentResult page (&lt;OaiqPixel /&gt; without Blazor's script): both legs, same ids, once.
/// </summary>
public sealed class MinimalAndRazorPagesBrowserTests(MinimalShopFixture shop) : IClassFixture<MinimalShopFixture>
{
    [Fact]
    public async Task MinimalApiPages_ViewsAndAConversionCarriedOverARedirect_BothLegsOnce()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();

        // Act: land, open a product (tracked in the endpoint), sign up (POST, redirect), reload the thanks page.
        await page.GotoAsync(shop.Url("/").ToString());
        await page.ClickAsync("#to-product");
        await PageWait.ForPageAsync(page, "/products/sku-1");
        await page.ClickAsync("#signup");
        await PageWait.ForPageAsync(page, "/thanks");
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "lead_created"), "the lead's browser leg");
        await page.ReloadAsync();
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Count(c => c.EventName == "page_viewed") == 4, "the reloaded page's view");

        // Assert
        var measured = BothLegs.Measured(shop.Sandbox);
        Assert.Equal(["page_viewed", "page_viewed", "contents_viewed", "page_viewed", "lead_created", "page_viewed"], measured.Select(c => c.EventName));
        Assert.StartsWith("lead_", Assert.Single(measured, c => c.EventName == "lead_created").EventId, StringComparison.Ordinal);
        await BothLegs.AssertPairedAsync(shop.Sandbox);
        Assert.Equal(0, shop.AbortedRequests);
    }

    [Fact]
    public async Task RazorPages_LiteralAmountAndAPageHandlersConversion_BothLegsOnce()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();

        // Act
        await page.GotoAsync(shop.Url("/pricing").ToString());
        await page.ClickAsync("#subscribe");
        await page.WaitForSelectorAsync("#subscribed");
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "subscription_created"), "the subscription's browser leg");

        // Assert: amount="89.99" is 8999 cents; the subscription is measured once, on the page after the redirect (carried calls come first).
        var measured = BothLegs.Measured(shop.Sandbox);
        Assert.All(measured.Where(c => c.EventName == "contents_viewed"), c => Assert.Contains("\"amount\":8999", c.Arguments, StringComparison.Ordinal));
        Assert.Equal(["page_viewed", "contents_viewed", "page_viewed", "subscription_created", "contents_viewed"], measured.Select(c => c.EventName));
        await BothLegs.AssertPairedAsync(shop.Sandbox);
    }

    [Fact]
    public async Task RazorComponentResultPage_TheModuleMeasuresThePageData_BothLegsOnce()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();

        // Act
        await page.GotoAsync(shop.Url("/cards/sku-2").ToString());
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "contents_viewed"), "the card's contents_viewed");

        // Assert
        var measured = BothLegs.Measured(shop.Sandbox);
        Assert.Equal(["page_viewed", "contents_viewed"], measured.Select(c => c.EventName));
        Assert.Contains("\"amount\":12950", measured[1].Arguments, StringComparison.Ordinal);
        await BothLegs.AssertPairedAsync(shop.Sandbox);
    }
}
