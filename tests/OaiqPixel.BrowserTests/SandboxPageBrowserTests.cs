namespace OaiqPixel.BrowserTests;

/// <summary>The development page in Chromium: a row says at once why a leg will not come.</summary>
public sealed class SandboxPageBrowserTests(OpenShopFixture shop) : IClassFixture<OpenShopFixture>
{
    [Fact]
    public async Task HeadlessChromiumsViews_RowsSayAtOnce_NotSentForABotsUserAgent()
    {
        // Arrange
        var headless = await shop.NewPageAsync(headlessUserAgent: true);
        var sandbox = shop.Sandbox;

        // Act: headless Chromium loads a product page; its pixel reports both views; then the page is opened.
        await headless.GotoAsync(shop.Url("/products/sku-1").ToString());
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Count(c => c.Path == "/products/sku-1" && c.Command == "measure") == 2, "headless Chromium's two views");
        var ids = sandbox.BrowserCalls.Where(c => c.Path == "/products/sku-1" && c.Command == "measure").Select(c => c.EventId!).ToList();
        var viewer = await shop.NewPageAsync();
        await viewer.GotoAsync(shop.Url("/oaiq").ToString());

        // Assert: each view's row gives the reason, not "pending", without waiting out the grace period.
        foreach (var id in ids)
        {
            var row = viewer.Locator("#events tbody tr", new() { HasText = id });
            Assert.Contains("not sent: a bot's user agent — log 40", await row.InnerTextAsync(), StringComparison.Ordinal);
        }
    }
}
