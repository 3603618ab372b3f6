using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Html.Parser;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>
/// A batch the local Conversions API refuses for its pid or its key still names its events on the page, so the
/// developer can tell which order a refused request carried (a newcomer's wrong pixel id showed "0:" and no id).
/// </summary>
public sealed class SandboxRejectionTests
{
    [Theory]
    [InlineData("px_wrong", "sandbox-dev-key", 400)]
    [InlineData("px_sandbox_test", "not-the-key", 401)]
    public async Task RefusedForItsPidOrKey_TheRejectionCountsAndNamesTheBatchsEvents(string pid, string key, int status)
    {
        // Arrange: the simulated account has px_sandbox_test only; a batch of two orders.
        await using var app = await SandboxApp.StartAsync("Development", sandbox: o => o.AccountPixelIds.Add("px_sandbox_test"));
        using var client = app.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var body = $$$"""
            {"events":[{"id":"order_7","type":"order_created","timestamp_ms":{{{now}}},"action_source":"web","data":{"type":"contents","amount":100,"currency":"USD"}},
                       {"id":"order_8","type":"order_created","timestamp_ms":{{{now}}},"action_source":"web","data":{"type":"contents","amount":200,"currency":"USD"}}]}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/oaiq/v1/events?pid={pid}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // Act
        using var refused = await client.SendAsync(request);
        var page = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/oaiq"));

        // Assert
        Assert.Equal(status, (int)refused.StatusCode);
        var rejection = Assert.Single(app.Sandbox.Rejections);
        Assert.Equal(2, rejection.EventCount);
        Assert.Equal(["order_7", "order_8"], rejection.EventIds);
        Assert.Contains("2: order_7, order_8", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Empty(app.Sandbox.ServerEvents);
    }

    [Fact]
    public async Task RefusedForItsPid_ABodyThatIsNotJson_StillGetsThePidsAnswer()
    {
        // Arrange
        await using var app = await SandboxApp.StartAsync("Development", sandbox: o => o.AccountPixelIds.Add("px_sandbox_test"));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oaiq/v1/events?pid=px_wrong")
        {
            Content = new StringContent("{not json", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-dev-key");

        // Act
        using var refused = await client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var rejection = Assert.Single(app.Sandbox.Rejections);
        Assert.StartsWith("pid: unknown pixel ID \"px_wrong\"", rejection.Message, StringComparison.Ordinal);
        Assert.Equal(0, rejection.EventCount);
    }

    [Fact]
    public async Task InMemoryPanel_AfterADelivery_ShowsNoEmptyDeliveredTable_AndSaysWhereTheEventIs()
    {
        // Arrange: a lead the app's server leg delivers through the in-memory queue (no outbox).
        await using var app = await SandboxApp.StartAsync("Development", kestrel: true);
        using var client = app.CreateClient();
        using var thanks = await client.GetAsync("/lead?id=lead_listed_1");
        await Wait.UntilAsync(() => app.Sandbox.ServerEvents.Any(e => e.Id == "lead_listed_1"), "lead_listed_1 at the local Conversions API");

        // Act
        var page = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/oaiq"));

        // Assert: the count, no always-empty lists beside it, and the event by id under Events.
        Assert.Equal("1", page.QuerySelector("#memory-delivered-count")!.TextContent);
        Assert.Null(page.QuerySelector("#memory-delivered"));
        Assert.Null(page.QuerySelector("#memory-pending"));
        Assert.Contains("under Events", page.QuerySelector("#memory-listed")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("lead_listed_1", page.QuerySelector("#events")!.TextContent, StringComparison.Ordinal);
    }
}
