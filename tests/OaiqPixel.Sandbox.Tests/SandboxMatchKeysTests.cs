using AngleSharp.Html.Parser;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>The page's match keys are the ones the library's record determined for the app's own server leg.</summary>
public sealed class SandboxMatchKeysTests
{
    [Fact]
    public async Task Row_OfTheAppsOwnLead_ShowsTheKeysItsRecordCarried()
    {
        // Arrange: a lead recorded in a request from a browser's user agent; the server leg adds the request's IP and user agent.
        await using var app = await SandboxApp.StartAsync("Development", kestrel: true);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/lead?id=lead_keys_1");
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");

        // Act
        using var lead = await client.SendAsync(request);
        await Wait.UntilAsync(() => app.Sandbox.ServerEvents.Any(e => e.Id == "lead_keys_1"), "lead_keys_1 at the local Conversions API");
        var page = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/oaiq"));

        // Assert
        var row = Assert.Single(page.QuerySelectorAll("#events tbody tr"), r => r.Children[1].TextContent == "lead_keys_1");
        Assert.Equal("IP, user agent", row.Children[4].TextContent);
        Assert.Equal(["IP", "user agent"], app.Sandbox.ServerEvents.Single(e => e.Id == "lead_keys_1").MatchKeys);
    }
}
