using System.Text.Json;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// Two pixels on one page in Chromium (spec §1.7): the stub SDK records <c>init</c> for each, <c>measure</c> reaching
/// both and a marketplace sale's <c>measureSingle</c> to each pixel with its own amount; every pixel's browser ids are
/// exactly the ids the sandbox's Conversions API received for that pixel.
/// </summary>
public sealed class MultiplePixelsBrowserTests(MinimalShopTwoPixelsFixture shop) : IClassFixture<MinimalShopTwoPixelsFixture>
{
    private const string ShopPixel = "demo-pixel-0001";

    [Fact]
    public async Task MarketplaceSale_InitEachPixel_MeasureSingleToEach_AndEachPixelsIdsMatchItsServerLeg()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();

        // Act: open a product, buy it (POST, redirect: the sale is carried to the thanks page).
        await page.GotoAsync(shop.Url("/products/sku-1").ToString());
        await page.ClickAsync("#buy");
        await PageWait.ForPageAsync(page, "/thanks");
        await Wait.UntilAsync(() => shop.Sandbox.BrowserCalls.Count(c => c.Command == "measureSingle") == 2, "the sale's two measureSingle calls");

        // Assert: init per pixel on each page, in order; the sale once per pixel with that pixel's amount.
        var calls = shop.Sandbox.BrowserCalls.Where(c => !c.Dropped).ToList();
        Assert.Equal([ShopPixel, MinimalShopTwoPixelsFixture.SellerPixel, ShopPixel, MinimalShopTwoPixelsFixture.SellerPixel],
            calls.Where(c => c.Command == "init").Select(c => JsonDocument.Parse(c.Arguments).RootElement[1].GetProperty("pixelId").GetString()));
        var sale = calls.Where(c => c.Command == "measureSingle").ToList();
        Assert.Single(sale.Select(c => c.EventId).Distinct());
        Assert.Equal(
            [(ShopPixel, 8999L), (MinimalShopTwoPixelsFixture.SellerPixel, 8099L)],
            sale.Select(c => JsonDocument.Parse(c.Arguments).RootElement).Select(a => (a[1].GetString()!, a[3].GetProperty("amount").GetInt64())).Order());
        Assert.All(calls.Where(c => c.Command == "measure"), c => Assert.Equal([ShopPixel, MinimalShopTwoPixelsFixture.SellerPixel], c.Pixels!));

        // Each pixel: the ids its browser leg reached are the ids its server leg received (deduplication is per pixel, spec §5).
        foreach (var pixel in new[] { ShopPixel, MinimalShopTwoPixelsFixture.SellerPixel })
        {
            var browserIds = calls.Where(c => c.EventId is not null && c.Pixels!.Contains(pixel)).Select(c => c.EventId!).ToHashSet();
            await Wait.UntilAsync(
                () => browserIds.SetEquals(shop.Sandbox.ServerEvents.Where(e => e.PixelId == pixel).Select(e => e.Id)),
                $"pixel {pixel}'s server leg",
                () => string.Join(", ", shop.Sandbox.ServerEvents.Where(e => e.PixelId == pixel).Select(e => e.Id)));
            Assert.Equal(browserIds.Count, shop.Sandbox.ServerEvents.Count(e => e.PixelId == pixel));
        }

        var saleId = sale[0].EventId!;
        Assert.Equal(
            [(ShopPixel, 8999L), (MinimalShopTwoPixelsFixture.SellerPixel, 8099L)],
            shop.Sandbox.ServerEvents.Where(e => e.Id == saleId).Select(e => (e.PixelId!, JsonDocument.Parse(e.Json).RootElement.GetProperty("data").GetProperty("amount").GetInt64())).Order());
        Assert.All(shop.Sandbox.BuildRows(), r => Assert.DoesNotContain(r.Problems, p => !p.Contains("pending", StringComparison.Ordinal)));
        Assert.Empty(shop.Sandbox.Rejections);
        Assert.Equal(0, shop.AbortedRequests);
    }
}

/// <summary>
/// <c>Oaiq:BrowserLeg</c> <c>DataLayer</c> in Chromium: no SDK loads; <c>window.dataLayer</c> holds each event's pushes —
/// with a redirect's carried lead among them — under the ids the sandbox's Conversions API received.
/// </summary>
public sealed class DataLayerBrowserTests(MinimalShopDataLayerFixture shop) : IClassFixture<MinimalShopDataLayerFixture>
{
    [Fact]
    public async Task DataLayerMode_PushesHoldTheIdsTheServerLegReceived_AndNoSdkLoads()
    {
        // Arrange
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();

        // Act: a product page (view), then a sign-up carried over its redirect.
        await page.GotoAsync(shop.Url("/products/sku-1").ToString());
        var productPushes = await page.EvaluateAsync<JsonElement>("() => JSON.parse(JSON.stringify(window.dataLayer || []))");
        await page.ClickAsync("#signup");
        await PageWait.ForPageAsync(page, "/thanks");
        var thanksPushes = await page.EvaluateAsync<JsonElement>("() => JSON.parse(JSON.stringify(window.dataLayer || []))");
        var sdkLoaded = await page.EvaluateAsync<bool>("() => typeof window.oaiq !== 'undefined'");

        // Assert
        Assert.False(sdkLoaded);
        Assert.Empty(shop.Sandbox.BrowserCalls);
        var product = Events(productPushes);
        var thanks = Events(thanksPushes);
        Assert.Equal(["contents_viewed", "page_viewed"], product.Values.Select(o => o.GetProperty("event_name").GetString()).Order());
        Assert.Contains(productPushes.EnumerateArray(), p => p.TryGetProperty("event", out var e) && e.GetString() == "view_item");
        var lead = Assert.Single(thanks, o => o.Value.GetProperty("event_name").GetString() == "lead_created");
        Assert.Contains(thanksPushes.EnumerateArray(), p => p.TryGetProperty("event", out var e) && e.GetString() == "generate_lead");
        var pushedIds = product.Keys.Concat(thanks.Keys).ToHashSet();
        await Wait.UntilAsync(
            () => pushedIds.IsSubsetOf(shop.Sandbox.ServerEvents.Select(e => e.Id)),
            "the server leg of every pushed event",
            () => string.Join(", ", shop.Sandbox.ServerEvents.Select(e => e.Id)));
        Assert.Equal(pushedIds.Order(), shop.Sandbox.ServerEvents.Select(e => e.Id).Order());
        Assert.StartsWith("lead_", lead.Key, StringComparison.Ordinal);
        Assert.Empty(shop.Sandbox.Rejections);
        Assert.Equal(0, shop.AbortedRequests);
    }

    private static Dictionary<string, JsonElement> Events(JsonElement pushes) =>
        pushes.EnumerateArray()
            .Where(p => p.TryGetProperty("event", out var e) && e.GetString() == "oaiq_event")
            .Select(p => p.GetProperty("oaiq"))
            .ToDictionary(o => o.GetProperty("event_id").GetString()!, o => o);
}
