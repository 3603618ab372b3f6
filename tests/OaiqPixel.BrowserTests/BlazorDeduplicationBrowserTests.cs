using System.Text.Json;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// The Blazor module applies each event's call once by the spec's deduplication key (pixel, event name or custom name,
/// event id; spec §5), not by the event id alone: one id sent to two pixels by <c>measureSingle</c>, or shared by two
/// event names, reaches the stub SDK for each, as the server leg sends each.
/// </summary>
public sealed class BlazorDeduplicationBrowserTests(BlazorShopTwoPixelsFixture shop) : IClassFixture<BlazorShopTwoPixelsFixture>
{
    private const string ShopPixel = "demo-pixel-0001";

    [Fact]
    public async Task MarketplaceOrder_OneIdToTwoPixelsByMeasureSingle_ReachesEachPixelOnce()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        await page.GotoAsync(shop.Url("/checkout").ToString());
        await page.WaitForSelectorAsync("#page-checkout");

        // Act: an enhanced form post; the order goes to each pixel by TrackSingle under one id.
        await page.FillAsync("#email", "ada@example.com");
        await page.ClickAsync("#place-order");
        var orderId = "order_" + (await (await page.WaitForSelectorAsync("#order-number"))!.TextContentAsync());
        await Wait.UntilAsync(
            () => Singles(orderId).Count == 2,
            "the order's measureSingle to each pixel",
            () => string.Join(", ", shop.Sandbox.BrowserCalls.Select(c => $"{c.Command} {c.EventName} {c.EventId}")));

        // Assert: once per pixel in the browser, each reaching its pixel; once per pixel on the server leg.
        var singles = Singles(orderId);
        Assert.Equal([ShopPixel, MinimalShopTwoPixelsFixture.SellerPixel], singles.Select(c => JsonDocument.Parse(c.Arguments).RootElement[1].GetString()).Order());
        Assert.All(singles, c => Assert.Equal(JsonDocument.Parse(c.Arguments).RootElement[1].GetString(), Assert.Single(c.Pixels!)));
        await Wait.UntilAsync(
            () => shop.Sandbox.ServerEvents.Count(e => e.Id == orderId) == 2,
            "the order's server leg for each pixel");
        Assert.Equal([ShopPixel, MinimalShopTwoPixelsFixture.SellerPixel], shop.Sandbox.ServerEvents.Where(e => e.Id == orderId).Select(e => e.PixelId).Order());
        Assert.Empty(shop.Sandbox.Rejections);
        Assert.Equal(0, shop.AbortedRequests);
    }

    [Fact]
    public async Task Registration_OneIdForTwoEventNames_EachNameMeasuredOnce()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        await page.GotoAsync(shop.Url("/register").ToString());
        await page.WaitForSelectorAsync("#page-register");

        // Act: an enhanced form post recording registration_completed and lead_created under the account's one id.
        await page.FillAsync("#register-email", "ada@example.com");
        await page.ClickAsync("#create-account");
        var accountId = "account_" + (await (await page.WaitForSelectorAsync("#account-number"))!.TextContentAsync());
        await Wait.UntilAsync(
            () => BothLegs.Measured(shop.Sandbox).Count(c => c.EventId == accountId) == 2,
            "both events' browser legs",
            () => string.Join(", ", shop.Sandbox.BrowserCalls.Select(c => $"{c.Command} {c.EventName} {c.EventId}")));

        // Assert: each name once in the browser, to both pixels, and once on the server leg for each pixel.
        var measured = BothLegs.Measured(shop.Sandbox).Where(c => c.EventId == accountId).ToList();
        Assert.Equal(["lead_created", "registration_completed"], measured.Select(c => c.EventName).Order());
        Assert.All(measured, c => Assert.Equal([ShopPixel, MinimalShopTwoPixelsFixture.SellerPixel], c.Pixels!));
        await Wait.UntilAsync(
            () => shop.Sandbox.ServerEvents.Count(e => e.Id == accountId) == 4,
            "both events' server legs for each pixel");
        Assert.Equal(
            ["lead_created", "lead_created", "registration_completed", "registration_completed"],
            shop.Sandbox.ServerEvents.Where(e => e.Id == accountId).Select(e => e.Type).Order());
        Assert.All(shop.Sandbox.BuildRows().Where(r => r.Id == accountId), r => Assert.Empty(r.Problems)); // the /oaiq page pairs each name
        Assert.Empty(shop.Sandbox.Rejections);
        Assert.Equal(0, shop.AbortedRequests);
    }

    private List<OaiqPixel.Sandbox.SandboxBrowserCall> Singles(string eventId) =>
        [.. shop.Sandbox.BrowserCalls.Where(c => c.Command == "measureSingle" && !c.Dropped && c.EventId == eventId)];
}
