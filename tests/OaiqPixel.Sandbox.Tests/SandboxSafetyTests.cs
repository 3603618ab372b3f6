using System.Net;
using System.Text;
using AngleSharp.Html.Parser;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>The development page is safe by default: Development only unless a policy guards it, no key on it, Clear needs the page's token.</summary>
public sealed class SandboxSafetyTests
{
    private const string HeadlessChrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";

    [Fact]
    public async Task Production_WithoutPolicy_StopsTheStartUp_NamingTheFix()
    {
        // Act
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SandboxApp.StartAsync("Production"));

        // Assert
        Assert.Contains("'Production' environment without an authorization policy", ex.Message, StringComparison.Ordinal);
        Assert.Contains("if (app.Environment.IsDevelopment()) { app.MapOaiqSandbox(); }", ex.Message, StringComparison.Ordinal);
        Assert.Contains("app.MapOaiqSandbox(authorizationPolicy: \"OaiqAdmins\")", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithPolicy_RefusesAnonymousCallers_AndServesSignedInOnes()
    {
        // Arrange
        await using var app = await SandboxApp.StartAsync("Production", SandboxApp.AdminPolicy);
        using var client = app.CreateClient();

        // Act
        using var anonymousPage = await client.GetAsync("/oaiq");
        using var anonymousJson = await client.GetAsync("/oaiq/events.json");
        using var anonymousClear = await client.PostAsync("/oaiq/clear", null);
        using var signedIn = new HttpRequestMessage(HttpMethod.Get, "/oaiq");
        signedIn.Headers.Add(SandboxApp.UserHeader, "ada");
        using var adminPage = await client.SendAsync(signedIn);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPage.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousJson.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousClear.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminPage.StatusCode);
        Assert.Contains("OaiqPixel development sandbox", await adminPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_ServesThePage_WithNoKeyOnIt()
    {
        // Arrange: a shared key and a pixel's own key, as user secrets would hold them.
        await using var app = await SandboxApp.StartAsync("Development", settings: new Dictionary<string, string?>
        {
            ["Oaiq:ConversionsApi:ApiKey"] = "sk-shared-secret-0001",
            ["Oaiq:Pixels:0:PixelId"] = "px_second",
            ["Oaiq:Pixels:0:ApiKey"] = "sk-pixel-secret-0002",
        });
        using var client = app.CreateClient();

        // Act
        var html = await client.GetStringAsync("/oaiq");
        var json = await client.GetStringAsync("/oaiq/events.json");
        var page = await new HtmlParser().ParseDocumentAsync(html);

        // Assert
        Assert.Equal("OaiqPixel sandbox", page.Title);
        Assert.Contains("px_second", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-shared-secret-0001", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-pixel-secret-0002", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clear_WithoutThePagesAntiforgeryToken_IsRefused_AndWithItClears()
    {
        // Arrange: one reported pixel call, and the page's form with its token and cookie.
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        await ReportAsync(client, "evt_kept");
        using var pageResponse = await client.GetAsync("/oaiq");
        var page = await new HtmlParser().ParseDocumentAsync(await pageResponse.Content.ReadAsStringAsync());
        var form = page.QuerySelector("form[action='/oaiq/clear']")!;
        var token = form.QuerySelector("input[type=hidden]")!;
        var cookies = string.Join("; ", pageResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

        // Act
        using var withoutToken = await client.PostAsync("/oaiq/clear", new FormUrlEncodedContent([]));
        var keptAfterRefusal = app.Sandbox.BrowserCalls.Count;
        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/oaiq/clear")
        {
            Content = new FormUrlEncodedContent([new(token.GetAttribute("name")!, token.GetAttribute("value")!)]),
        };
        withToken.Headers.Add("Cookie", cookies);
        using var cleared = await client.SendAsync(withToken);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(1, keptAfterRefusal);
        Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        Assert.Empty(app.Sandbox.BrowserCalls);
    }

    [Fact]
    public async Task Row_ViewFromABotsUserAgent_SaysAtOnceThatItsServerLegIsNotSent()
    {
        // Arrange: a headless browser loads a product page (a navigation, with a bot's user agent).
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        using var view = new HttpRequestMessage(HttpMethod.Get, "/view?id=view_bot_1");
        view.Headers.TryAddWithoutValidation("User-Agent", HeadlessChrome);
        view.Headers.Add("Sec-Fetch-Mode", "navigate");
        view.Headers.Add("Sec-Fetch-Dest", "document");

        // Act: the page loads and its pixel reports the view, as the stub SDK does.
        using var loaded = await client.SendAsync(view);
        await ReportAsync(client, "view_bot_1", "contents_viewed");
        var page = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/oaiq"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        var row = page.QuerySelectorAll("#events tbody tr").Single(r => r.TextContent.Contains("view_bot_1", StringComparison.Ordinal));
        Assert.Contains("not sent: a bot's user agent — log 40", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("pending", row.TextContent, StringComparison.Ordinal);
    }

    private static async Task ReportAsync(HttpClient client, string eventId, string eventName = "items_added")
    {
        var body = $$"""{"pageId":"p1","path":"/","calls":[{"command":"measure","eventName":"{{eventName}}","eventId":"{{eventId}}","pixels":["px_sandbox_test"],"args":["measure","{{eventName}}",{},{"event_id":"{{eventId}}"}]}]}""";
        using var response = await client.PostAsync("/oaiq/sdk-calls", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}
