using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

public sealed class ShopPixelTests(ShopBrowserFixture fixture) : IClassFixture<ShopBrowserFixture>
{
    // URL-safe base64 with '-', '_' and '=' padding: must reach document.cookie byte-for-byte.
    private const string Oppref = "gAAAAABn-x_Y0z9Q==";

    [Fact]
    public async Task LandingPage_RunsThePixel_AndTheServerSetCookieIsReadable()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        var before = fixture.SdkRequests;

        // Act
        await page.GotoAsync(new Uri(fixture.BaseAddress, "/products/sku-1?oppref=" + Uri.EscapeDataString(Oppref)).ToString());
        var calls = await ReadCallsAsync(page);
        var cookie = await page.EvaluateAsync<string>("() => document.cookie");

        // Assert
        Assert.Equal(1, fixture.SdkRequests - before);
        Assert.Equal(3, calls.GetArrayLength());
        Assert.Equal("""["init",{"pixelId":"demo-pixel-0001","debug":true}]""", calls[0].GetRawText());
        Assert.Equal("measure", calls[1][0].GetString());
        Assert.Equal("page_viewed", calls[1][1].GetString());
        Assert.Equal("""{"type":"contents"}""", calls[1][2].GetRawText());
        Assert.Matches("^evt_[0-9a-z]{26}$", calls[1][3].GetProperty("event_id").GetString()!);
        Assert.Equal("contents_viewed", calls[2][1].GetString());
        Assert.Equal("""{"type":"contents","amount":8999,"currency":"USD","contents":[{"id":"sku-1","name":"Trail running shoes","content_type":"product"}]}""", calls[2][2].GetRawText());
        Assert.NotEqual(calls[1][3].GetProperty("event_id").GetString(), calls[2][3].GetProperty("event_id").GetString());
        Assert.Contains("__oppref=" + Oppref, cookie.Split("; "));
    }

    [Fact]
    public async Task PlacingAnOrder_MeasuresOrderCreatedOnTheConfirmationPageOnce()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.BaseAddress, "/products/sku-2?oppref=" + Uri.EscapeDataString(Oppref)).ToString());
        await ReadCallsAsync(page);

        // Act
        await page.FillAsync("input[name=quantity]", "3");
        await Task.WhenAll(page.WaitForURLAsync(new Regex("/confirmation$"), new() { Timeout = 15_000 }), page.ClickAsync("#buy"));
        var calls = await ReadCallsAsync(page);
        var orderNumber = await page.TextContentAsync("#order-number");
        await page.ReloadAsync();
        var afterReload = await ReadCallsAsync(page);

        // Assert
        var order = Assert.Single(calls.EnumerateArray(), IsOrderCreated);
        Assert.Equal("""{"type":"contents","amount":3750,"currency":"USD","contents":[{"id":"sku-2","name":"Merino socks","content_type":"product","quantity":3,"amount":1250,"currency":"USD"}]}""", order[2].GetRawText());
        Assert.Equal($$"""{"event_id":"order_{{orderNumber}}"}""", order[3].GetRawText());
        Assert.DoesNotContain(afterReload.EnumerateArray(), IsOrderCreated);
        Assert.Contains("__oppref=" + Oppref, (await page.EvaluateAsync<string>("() => document.cookie")).Split("; "));
    }

    private static bool IsOrderCreated(JsonElement call) =>
        call[0].GetString() == "measure" && call[1].GetString() == "order_created";

    private static async Task<JsonElement> ReadCallsAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.oaiq && window.oaiq.loaded === true && Array.isArray(window.__oaiqCalls)");
        using var document = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__oaiqCalls)"));
        return document.RootElement.Clone();
    }
}
