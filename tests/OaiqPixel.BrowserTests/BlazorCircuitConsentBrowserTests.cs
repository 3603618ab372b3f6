using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// Consent changing under a running interactive island: the circuit takes the visitor context from each page an enhanced
/// navigation brings, so what a click records follows the visitor's latest answer — nothing once consent is withdrawn
/// (README "Consent": nothing recorded, nothing sent), the new landing once it is given.
/// </summary>
public sealed class BlazorCircuitConsentBrowserTests(ConsentBlazorShopFixture shop) : IClassFixture<ConsentBlazorShopFixture>
{
    [Theory]
    [InlineData("/cart?oppref=opp_before_withdrawal")] // the next page sees a withdrawal: consent(false), cookies deleted
    [InlineData("/cart")] // a visitor without __oppref: the next page is simply not consented, and renders nothing
    public async Task InteractiveIsland_ConsentWithdrawnAcrossAnEnhancedNavigation_AClickRecordsNothingOnEitherLeg(string landing)
    {
        // Arrange: a consenting visitor's click is recorded on both legs.
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        await GiveConsentAsync(page);
        await page.GotoAsync(shop.Url(landing).ToString());
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");
        await page.ClickAsync("#add-to-cart");
        await Wait.UntilAsync(() => shop.Sandbox.ServerEvents.Any(e => e.Type == "items_added"), "the consented click's server leg");
        var logsBefore = RefusedForConsent().Count;

        // Act: the visitor withdraws (the consent cookie goes), then an enhanced navigation and a click in the circuit.
        await page.Context.ClearCookiesAsync(new() { Name = ConsentBlazorShopFixture.ConsentCookie });
        await page.EvaluateAsync("() => Blazor.navigateTo('/cart')");
        await page.WaitForFunctionAsync("() => !(document.querySelector('script[data-oaiq-page]')?.textContent ?? '').includes('page_viewed')");
        await page.WaitForSelectorAsync("#cart-count:text('1')");
        await page.ClickAsync("#add-to-cart");
        await page.WaitForSelectorAsync("#cart-count:text('2')");
        await Wait.UntilAsync(() => RefusedForConsent().Count > logsBefore, "the circuit refusing the click for consent (log 4)");

        // Assert: the one consented click on each leg; nothing after the withdrawal, neither its oppref nor IP nor UA.
        Assert.Single(shop.Sandbox.ServerEvents, e => e.Type == "items_added");
        Assert.Single(BothLegs.Measured(shop.Sandbox), c => c.EventName == "items_added");
        Assert.Equal("items_added", Assert.Single(RefusedForConsent().Skip(logsBefore)).StructuredState!.Single(s => s.Key == "EventName").Value);
        Assert.Single(shop.Sandbox.BrowserCalls.Select(c => c.PageId).Distinct());
        Assert.Equal(0, shop.AbortedRequests);
    }

    [Fact]
    public async Task InteractiveIsland_ConsentGivenAcrossAnEnhancedNavigation_TheCircuitRecordsWithTheNewLanding()
    {
        // Arrange: a visitor who has not consented lands on the cart; a click in the circuit records nothing.
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        await page.GotoAsync(shop.Url("/cart").ToString());
        await page.WaitForSelectorAsync("#add-to-cart:not([disabled])");
        var logsBefore = Dropped().Count;
        await page.ClickAsync("#add-to-cart");
        await page.WaitForSelectorAsync("#cart-count:text('1')");
        await Wait.UntilAsync(() => Dropped().Count > logsBefore, "the circuit refusing the click before consent (log 4 or 50)");

        // Act: the visitor accepts, comes back from an ad through an enhanced navigation, and clicks again.
        await GiveConsentAsync(page);
        await page.EvaluateAsync("() => Blazor.navigateTo('/cart?oppref=opp_after_consent')");
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "page_viewed"), "the consented page's page_viewed");
        await page.ClickAsync("#add-to-cart");
        await page.WaitForSelectorAsync("#cart-count:text('2')");
        var second = await page.TextContentAsync("#last-event-id");
        await Wait.UntilAsync(() => shop.Sandbox.ServerEvents.Any(e => e.Id == second), "the consented click's server leg");

        // Assert: only the consented click, on both legs, with the landing it came from.
        Assert.Equal("opp_after_consent", Assert.Single(shop.Sandbox.ServerEvents, e => e.Type == "items_added").Oppref);
        Assert.Equal(second, Assert.Single(BothLegs.Measured(shop.Sandbox), c => c.EventName == "items_added").EventId);
        await BothLegs.AssertPairedAsync(shop.Sandbox);
        Assert.Equal(0, shop.AbortedRequests);
    }

    private Task GiveConsentAsync(IPage page) =>
        page.Context.AddCookiesAsync([new Cookie { Name = ConsentBlazorShopFixture.ConsentCookie, Value = "yes", Url = shop.BaseAddress.ToString() }]);

    private List<Microsoft.Extensions.Logging.Testing.FakeLogRecord> RefusedForConsent() =>
        [.. shop.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("OaiqPixel", StringComparison.Ordinal) == true && r.Id.Id == 4)];

    private List<Microsoft.Extensions.Logging.Testing.FakeLogRecord> Dropped() =>
        [.. shop.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("OaiqPixel", StringComparison.Ordinal) == true && r.Id.Id is 4 or 50)];
}
