namespace OaiqPixel.BrowserTests;

/// <summary>
/// A configured cookie Domain that does not domain-match the host (example.com on 127.0.0.1): Chromium would drop a
/// cookie written with it, and later pages lost the oppref. The library writes the host-only cookie instead.
/// </summary>
public sealed class CookieDomainBrowserTests(ForeignCookieDomainShopFixture shop) : IClassFixture<ForeignCookieDomainShopFixture>
{
    private const string Oppref = "gAAAAABn-d0ma1n_Mismatch==";

    [Fact]
    public async Task DomainNotMatchingTheHost_ALaterPageStillHasTheOpprefOnBothLegs()
    {
        // Arrange
        var page = await shop.NewPageAsync();
        var sandbox = shop.Sandbox;

        // Act: land from an ad on /, then open /pricing (the bug report's pages).
        await page.GotoAsync(shop.Url("/?oppref=" + Uri.EscapeDataString(Oppref)).ToString());
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.Path == "/" && c.EventName == "page_viewed"), "the landing page's pixel");
        await page.GotoAsync(shop.Url("/pricing").ToString());
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.Path == "/pricing" && c.EventName == "page_viewed"), "the /pricing pixel");
        var pageViews = sandbox.BrowserCalls.Where(c => c.EventName == "page_viewed").ToList();
        await Wait.UntilAsync(() => pageViews.All(v => sandbox.ServerEvents.Any(e => e.Id == v.EventId)), "the server leg of both page views");
        var documentCookie = await page.EvaluateAsync<string>("() => document.cookie");
        var jar = await page.Context.CookiesAsync();

        // Assert: the browser kept a host-only __oppref, which the SDK reads on /pricing (browser leg)...
        var cookie = Assert.Single(jar, c => c.Name == "__oppref");
        Assert.Equal(Oppref, cookie.Value);
        Assert.Equal("127.0.0.1", cookie.Domain);
        Assert.Contains("__oppref=" + Oppref, documentCookie.Split("; "));

        // ...and both pages' server events carry it (server leg).
        Assert.Equal(["/", "/pricing"], pageViews.Select(v => v.Path));
        Assert.All(pageViews, v => Assert.Equal(Oppref, sandbox.ServerEvents.Single(e => e.Id == v.EventId).Oppref));
        Assert.Empty(sandbox.Rejections);
        Assert.Equal(0, shop.AbortedRequests);
    }
}
