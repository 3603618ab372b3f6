namespace OaiqPixel.BrowserTests;

/// <summary>The consent banner in a real browser: decline stops both legs and is remembered; accepting later resumes them.</summary>
public sealed class ConsentBrowserTests(ConsentShopFixture shop) : IClassFixture<ConsentShopFixture>
{
    [Fact]
    public async Task Decline_NoOaiqCallNoOpprefCookieNoServerEvent_AcceptLater_EventsResume()
    {
        // Arrange
        var page = await shop.NewPageAsync();
        var sandbox = shop.Sandbox;

        // Act 1: land from an ad, decline, keep shopping.
        await page.GotoAsync(shop.Url("/?oppref=gAAAA_declined").ToString());
        var bannerShown = await page.IsVisibleAsync("#consent-banner");
        await page.ClickAsync("#consent-decline");
        await page.WaitForSelectorAsync("#consent-banner", new() { State = Microsoft.Playwright.WaitForSelectorState.Detached });
        await page.GotoAsync(shop.Url("/products/sku-2").ToString());
        await page.ClickAsync("#add-to-cart");
        await PageWait.ForPageAsync(page, "/cart");
        var oaiqWhileDeclined = await page.EvaluateAsync<string>("() => typeof window.oaiq");
        var cookieWhileDeclined = await page.EvaluateAsync<string>("() => document.cookie");

        // Assert 1 (what the sandbox received while declined is checked at the end, once later events have arrived)
        Assert.True(bannerShown);
        Assert.Equal("undefined", oaiqWhileDeclined);
        Assert.DoesNotContain("__oppref", cookieWhileDeclined, StringComparison.Ordinal);

        // Act 2: accept on the privacy page, then view a product.
        await page.GotoAsync(shop.Url("/privacy").ToString());
        await page.ClickAsync("#privacy-accept");
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.EventName == "page_viewed"), "the pixel after accepting");
        await page.GotoAsync(shop.Url("/products/sku-1").ToString());
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.EventName == "contents_viewed"), "contents_viewed after accepting");

        // Assert 2: consent(true) comes before init on each page, and both legs carry the events again.
        foreach (var loaded in sandbox.BrowserCalls.GroupBy(c => c.PageId))
        {
            Assert.Equal(["consent", "init", "measure"], loaded.Take(3).Select(c => c.Command));
            Assert.Equal("[\"consent\",true]", loaded.First().Arguments);
        }

        var viewed = sandbox.BrowserCalls.Single(c => c.EventName == "contents_viewed");
        await Wait.UntilAsync(() => sandbox.ServerEvents.Any(e => e.Id == viewed.EventId), "the server leg after accepting");
        Assert.DoesNotContain(sandbox.ServerEvents, e => e.Type == "items_added");
        Assert.Equal(0, shop.AbortedRequests);

        // Nothing from the declined pages: now that the later pages' calls and the later server events have arrived
        // (one queue, sent in order), only the two pages loaded after accepting reported calls, and every server event
        // is one of theirs.
        Assert.Equal(2, sandbox.BrowserCalls.Select(c => c.PageId).Distinct().Count());
        var measuredAfterAccepting = sandbox.BrowserCalls.Where(c => c.EventId is not null).Select(c => c.EventId).ToHashSet();
        Assert.All(sandbox.ServerEvents, e => Assert.Contains(e.Id, measuredAfterAccepting));
    }
}
