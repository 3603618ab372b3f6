using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// Withdrawing consent after accepting: the page that sees it has the server delete __oppref and the SDK's __obref and
/// tells the SDK consent(false), so it clears its own state; after that nothing renders.
/// </summary>
public sealed class WithdrawalBrowserTests(ConsentShopFixture shop) : IClassFixture<ConsentShopFixture>
{
    private const string Oppref = "gAAAAABn-w1thdr4wn==";
    private const string ConsentFalse = "[\"consent\",false]";

    [Fact]
    public async Task AcceptThenDecline_CookiesAreDeleted_TheSdkIsToldConsentFalse_Once()
    {
        // Arrange: land from an ad and accept; the SDK's browser reference is in the jar as the real SDK writes it
        // (the sandbox's stub SDK does not mint one).
        var page = await shop.NewPageAsync();
        var sandbox = shop.Sandbox;
        await page.GotoAsync(shop.Url("/?oppref=" + Uri.EscapeDataString(Oppref)).ToString());
        await page.ClickAsync("#consent-accept");
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.EventName == "page_viewed"), "the pixel after accepting");
        await page.Context.AddCookiesAsync([new Cookie { Name = "__obref", Value = "123e4567-e89b-42d3-a456-426614174000", Url = shop.BaseAddress.ToString() }]);
        var before = (await page.Context.CookiesAsync()).Select(c => c.Name).ToList();

        // Act: withdraw on the privacy page.
        await page.GotoAsync(shop.Url("/privacy").ToString());
        await PageWait.ForPageAsync(page, "/privacy");
        await page.ClickAsync("#privacy-decline");
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.Arguments == ConsentFalse), "consent(false) on the page that sees the withdrawal");
        var after = (await page.Context.CookiesAsync()).Select(c => c.Name).ToList();

        // The next page, once it has loaded, renders no pixel at all.
        await page.GotoAsync(shop.Url("/products/sku-1").ToString());
        await PageWait.ForPageAsync(page, "/products/sku-1");
        var oaiqOnTheNextPage = await page.EvaluateAsync<string>("() => typeof window.oaiq");

        // Assert
        Assert.Contains("__oppref", before);
        Assert.Contains("__obref", before);
        Assert.DoesNotContain("__oppref", after);
        Assert.DoesNotContain("__obref", after);
        var withdrawalPage = sandbox.BrowserCalls.Single(c => c.Arguments == ConsentFalse).PageId;
        Assert.Equal(["consent", "init"], sandbox.BrowserCalls.Where(c => c.PageId == withdrawalPage).Select(c => c.Command));
        Assert.Equal("undefined", oaiqOnTheNextPage);
        Assert.Single(sandbox.BrowserCalls, c => c.Arguments == ConsentFalse);
        Assert.Equal(0, shop.AbortedRequests);
    }
}
