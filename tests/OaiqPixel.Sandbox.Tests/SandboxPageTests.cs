using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>What the page shows of the events the local Conversions API received.</summary>
public sealed class SandboxPageTests
{
    [Fact]
    public async Task Row_ShowsTheMatchKeysItsServerLegCarried_NotTheirValues()
    {
        // Arrange: an order as the server leg sends it, with oppref, a hashed email, IP and user agent.
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var body = $$$"""
            {"events":[{"id":"order_42","type":"order_created","timestamp_ms":{{{now}}},"oppref":"oppref_abc","action_source":"web",
              "source_url":"https://shop.example/checkout",
              "user":{"emails_sha256":["b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514"],"ip_address":"203.0.113.1","user_agent":"Mozilla/5.0"},
              "data":{"type":"contents","amount":2599,"currency":"USD"}}]}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oaiq/v1/events?pid=px_sandbox_test")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-dev-key");

        // Act
        using var accepted = await client.SendAsync(request);
        var page = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/oaiq"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var row = Assert.Single(page.QuerySelectorAll("#events tbody tr"));
        Assert.Equal("oppref, email, IP, user agent", row.Children[4].TextContent);
        Assert.DoesNotContain("b4c9a289", page.QuerySelector("#events")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreshApp_OnAPortChosenAtStart_ItsServerLegReachesTheLocalApi_WithOnlyAPixelId()
    {
        // Arrange: only Oaiq:PixelId configured; the app listens on a port the system picks (--urls http://127.0.0.1:0).
        await using var app = await SandboxApp.StartAsync("Development", kestrel: true);
        using var client = app.CreateClient();

        // Act
        using var thanks = await client.GetAsync("/lead?id=lead_fresh_1");
        await Wait.UntilAsync(() => app.Sandbox.ServerEvents.Any(e => e.Id == "lead_fresh_1"), "lead_fresh_1 at the local Conversions API");
        var options = app.Services.GetRequiredService<IOptionsMonitor<OaiqTrackingOptions>>().CurrentValue;

        // Assert: the stub SDK and this app's own bound address, with the development key; nothing refused.
        Assert.Equal(HttpStatusCode.OK, thanks.StatusCode);
        Assert.Equal("/oaiq/sdk.js", options.SdkUrl);
        Assert.Equal(new Uri(client.BaseAddress!, "/oaiq/"), options.ConversionsApi.BaseAddress);
        Assert.Empty(app.Sandbox.Rejections);
    }
}
