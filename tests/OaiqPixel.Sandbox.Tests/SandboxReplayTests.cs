using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>
/// A wrong pixel id reproduced on the local Conversions API (the simulated account's pixels), its dead letters on the
/// page, and the page's Replay button re-aiming them at the fixed pixel: with the page's antiforgery token only, and
/// behind the app's policy outside Development.
/// </summary>
public sealed class SandboxReplayTests
{
    [Fact]
    public async Task WrongPixelId_IsDeadLettered_AndTheReplayButtonSendsItToTheFixedPixel_OnlyWithThePagesToken()
    {
        // Arrange: the app's pixel id is not one the simulated account has, so the local API refuses its events (400).
        await using var app = await SandboxApp.StartAsync(
            "Development",
            settings: new Dictionary<string, string?> { ["Oaiq:PixelId"] = "px_wrong" },
            kestrel: true,
            sandbox: o => o.AccountPixelIds.Add("px_sandbox_test"));
        using var client = app.CreateClient();
        var memory = app.Services.GetRequiredKeyedService<IOaiqStoreInspector>(IOaiqStoreInspector.InMemoryKey);
        using var thanks = await client.GetAsync("/lead?id=lead_replay_1");
        await Wait.UntilAsync(async () => (await memory.GetSnapshotAsync(20, CancellationToken.None)).DeadLetteredCount == 1, "the lead dead-lettered");

        // The pixel id is fixed while the app keeps running (a configuration reload): the dead letter stays in memory.
        app.Configuration["Oaiq:PixelId"] = "px_sandbox_test";
        app.Configuration.Reload();
        using var pageResponse = await client.GetAsync("/oaiq");
        var page = await new HtmlParser().ParseDocumentAsync(await pageResponse.Content.ReadAsStringAsync());
        var form = page.QuerySelector("form#memory-replay")!;
        var token = form.QuerySelector("input[type=hidden]:not([name=store])")!;
        var cookies = string.Join("; ", pageResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        Dictionary<string, string> fields = new()
        {
            ["store"] = "memory",
            ["pixel"] = "px_wrong",
            ["toPixel"] = "px_sandbox_test",
        };

        // Act
        using var withoutToken = await client.PostAsync("/oaiq/replay", new FormUrlEncodedContent(fields));
        var deadAfterRefusal = (await memory.GetSnapshotAsync(20, CancellationToken.None)).DeadLetteredCount;
        fields[token.GetAttribute("name")!] = token.GetAttribute("value")!;
        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/oaiq/replay") { Content = new FormUrlEncodedContent(fields) };
        withToken.Headers.Add("Cookie", cookies);
        using var replayed = await client.SendAsync(withToken);
        await Wait.UntilAsync(() => app.Sandbox.ServerEvents.Any(e => e.Id == "lead_replay_1"), "the replayed lead at the local Conversions API");
        var after = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/oaiq"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, thanks.StatusCode);
        Assert.Contains(app.Sandbox.Rejections, r => r.StatusCode == 400 && r.Message.Contains("pid: unknown pixel ID \"px_wrong\"", StringComparison.Ordinal));
        Assert.Contains("lead_replay_1", page.QuerySelector("#memory-dead")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["", "px_sandbox_test"], ((IHtmlSelectElement)form.QuerySelector("select[name=toPixel]")!).Options.Select(o => o.Value));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(1, deadAfterRefusal);
        Assert.Equal("/oaiq", replayed.RequestMessage!.RequestUri!.AbsolutePath); // redirected back to the page
        Assert.Equal("px_sandbox_test", Assert.Single(app.Sandbox.ServerEvents, e => e.Id == "lead_replay_1").PixelId);
        Assert.Equal("0", after.QuerySelector("#memory-dead-count")!.TextContent);
        Assert.Contains("1 replayed, 0 too old", after.QuerySelector("#replay-result")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_ToAPixelTheAppDoesNotHave_IsRefused()
    {
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        using var pageResponse = await client.GetAsync("/oaiq");
        var page = await new HtmlParser().ParseDocumentAsync(await pageResponse.Content.ReadAsStringAsync());
        var token = page.QuerySelector("form[action='/oaiq/clear'] input[type=hidden]")!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oaiq/replay")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [token.GetAttribute("name")!] = token.GetAttribute("value")!,
                ["store"] = "memory",
                ["toPixel"] = "px_someone_elses",
            }),
        };
        request.Headers.Add("Cookie", string.Join("; ", pageResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(app.Sandbox.LastReplay);
    }

    [Fact]
    public async Task Production_WithPolicy_RefusesAnAnonymousReplay()
    {
        await using var app = await SandboxApp.StartAsync("Production", SandboxApp.AdminPolicy);
        using var client = app.CreateClient();

        using var anonymous = await client.PostAsync("/oaiq/replay", new FormUrlEncodedContent(new Dictionary<string, string> { ["store"] = "memory" }));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
