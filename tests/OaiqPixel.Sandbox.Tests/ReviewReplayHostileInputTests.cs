using System.Net;
using System.Text;
using AngleSharp.Html.Parser;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>Security review: hostile input to <c>POST /oaiq/replay</c> gets a 400, never a 500.</summary>
public sealed class ReviewReplayHostileInputTests
{
    [Fact]
    public async Task TooManyFormFields_WithoutToken_Is400()
    {
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        var body = string.Join("&", Enumerable.Range(0, 2000).Select(i => $"f{i}=x"));

        using var response = await client.PostAsync("/oaiq/replay", new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task TokenInTheHeader_AndAJsonBody_Is400()
    {
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        using var pageResponse = await client.GetAsync("/oaiq");
        var page = await new HtmlParser().ParseDocumentAsync(await pageResponse.Content.ReadAsStringAsync());
        var token = page.QuerySelector("form[action='/oaiq/clear'] input[type=hidden]")!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oaiq/replay") { Content = new StringContent("{\"store\":\"memory\"}", Encoding.UTF8, "application/json") };
        request.Headers.Add("RequestVerificationToken", token.GetAttribute("value")!);
        request.Headers.Add("Cookie", string.Join("; ", pageResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task TooManyFormFields_WithToken_Is400()
    {
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        using var pageResponse = await client.GetAsync("/oaiq");
        var page = await new HtmlParser().ParseDocumentAsync(await pageResponse.Content.ReadAsStringAsync());
        var token = page.QuerySelector("form[action='/oaiq/clear'] input[type=hidden]")!;
        var body = Uri.EscapeDataString(token.GetAttribute("name")!) + "=" + Uri.EscapeDataString(token.GetAttribute("value")!) + "&store=memory&"
            + string.Join("&", Enumerable.Range(0, 2000).Select(i => $"f{i}=x"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oaiq/replay") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("Cookie", string.Join("; ", pageResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
