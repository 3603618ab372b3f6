using System.Text.RegularExpressions;

namespace OaiqPixel.BrowserTests;

/// <summary>A visitor from a ChatGPT ad buys something; the sandbox sees both legs of every event with one id each.</summary>
public sealed class FunnelBrowserTests(OpenShopFixture shop) : IClassFixture<OpenShopFixture>
{
    // URL-safe base64 with '-', '_' and '=' padding: must reach the cookie and the server leg byte-for-byte.
    private const string Oppref = "gAAAAABn-x_Y0z9Q==";

    [Fact]
    public async Task LandBrowseAddToCartCheckOutAndOrder_BothLegsFireEachEventOnceWithTheSameId()
    {
        // Arrange
        var page = await shop.NewPageAsync();

        // Act: land, browse, add to cart, check out, place the order.
        await page.GotoAsync(shop.Url("/?oppref=" + Uri.EscapeDataString(Oppref)).ToString());
        await page.ClickAsync("a.product-link[href='/products/sku-1']");
        await PageWait.ForPageAsync(page, "/products/sku-1");
        await page.FillAsync("input[name=quantity]", "2");
        await page.ClickAsync("#add-to-cart");
        await PageWait.ForPageAsync(page, "/cart");
        await page.ClickAsync("#checkout");
        await PageWait.ForPageAsync(page, "/checkout");
        await page.FillAsync("#Email", "ada@example.com");
        await page.FillAsync("#Name", "Ada Lovelace");
        await page.ClickAsync("#place-order");
        await PageWait.ForPageAsync(page, new Regex("/orders/[0-9]+/confirmation$"));
        var orderNumber = await page.TextContentAsync("#order-number");
        var cookie = await page.EvaluateAsync<string>("() => document.cookie");

        // Assert: the stub SDK saw five page loads, each with one init and one page_viewed, and each conversion once.
        var sandbox = shop.Sandbox;
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.EventName == "order_created"), "the confirmation page's pixel calls");
        var pages = sandbox.BrowserCalls.GroupBy(c => c.PageId).ToList();
        Assert.Equal(["/", "/products/sku-1", "/cart", "/checkout", $"/orders/{orderNumber}/confirmation"], pages.Select(p => p.First().Path));
        Assert.All(pages, p => Assert.Single(p, c => c.Command == "init"));
        Assert.All(pages, p => Assert.Single(p, c => c.EventName == "page_viewed"));
        Assert.DoesNotContain(sandbox.BrowserCalls, c => c.Command == "consent" || c.Dropped);
        var measured = sandbox.BrowserCalls.Where(c => c.Command == "measure").ToList();
        Assert.Equal(
            // checkout_started goes through the outbox with no save of the app's: its write is not known while /checkout
            // renders, so the carrier takes it to the next page.
            ["page_viewed", "page_viewed", "contents_viewed", "page_viewed", "items_added", "page_viewed", "page_viewed", "checkout_started", "order_created"],
            measured.Select(c => c.EventName));
        Assert.Equal($"order_{orderNumber}", measured.Single(c => c.EventName == "order_created").EventId);

        // Assert: the sandbox Conversions API received the same ids with the same names and the landing oppref, once each.
        await Wait.UntilAsync(() => measured.All(c => sandbox.ServerEvents.Any(e => e.Id == c.EventId)), "the server leg of every event");
        var server = sandbox.ServerEvents;
        Assert.Equal(measured.Select(c => c.EventId!).Order(), server.Select(e => e.Id).Order());
        Assert.All(measured, c => Assert.Equal(c.EventName, Assert.Single(server, e => e.Id == c.EventId).Type));
        Assert.All(server, e => Assert.Equal(Oppref, e.Oppref));
        Assert.Empty(sandbox.Rejections);
        Assert.All(sandbox.BuildRows(), row => Assert.Empty(row.Problems));
        Assert.Contains("__oppref=" + Oppref, cookie.Split("; "));
        Assert.Equal(0, shop.AbortedRequests);

        // Reloading the confirmation page does not measure the order again.
        await page.ReloadAsync();
        await Wait.UntilAsync(() => sandbox.BrowserCalls.GroupBy(c => c.PageId).Count() == 6, "the reloaded page's pixel calls");
        Assert.Single(sandbox.BrowserCalls, c => c.EventName == "order_created");
    }
}
