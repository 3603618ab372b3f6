using System.Net;
using System.Text;
using AngleSharp.Html.Parser;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>Hostile input to the page's actions (<c>POST /oaiq/replay</c>, <c>POST /oaiq/clear</c>) gets a 400, never a 500.</summary>
public sealed class SandboxActionsHostileInputTests
{
    [Theory]
    [InlineData("replay")]
    [InlineData("clear")]
    public async Task TooManyFormFields_WithoutToken_Is400(string action)
    {
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        var body = string.Join("&", Enumerable.Range(0, 2000).Select(i => $"f{i}=x"));

        using var response = await client.PostAsync("/oaiq/" + action, new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("clear")]
    public async Task TokenInTheHeader_AndAJsonBody_Is400(string action)
    {
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        using var pageResponse = await client.GetAsync("/oaiq");
        var page = await new HtmlParser().ParseDocumentAsync(await pageResponse.Content.ReadAsStringAsync());
        var token = page.QuerySelector("form[action='/oaiq/clear'] input[type=hidden]")!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oaiq/" + action) { Content = new StringContent("{\"store\":\"memory\"}", Encoding.UTF8, "application/json") };
        request.Headers.Add("RequestVerificationToken", token.GetAttribute("value")!);
        request.Headers.Add("Cookie", string.Join("; ", pageResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("clear")]
    public async Task TooManyFormFields_WithToken_Is400(string action)
    {
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();
        using var pageResponse = await client.GetAsync("/oaiq");
        var page = await new HtmlParser().ParseDocumentAsync(await pageResponse.Content.ReadAsStringAsync());
        var token = page.QuerySelector("form[action='/oaiq/clear'] input[type=hidden]")!;
        var body = Uri.EscapeDataString(token.GetAttribute("name")!) + "=" + Uri.EscapeDataString(token.GetAttribute("value")!) + "&store=memory&"
            + string.Join("&", Enumerable.Range(0, 2000).Select(i => $"f{i}=x"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oaiq/" + action) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("Cookie", string.Join("; ", pageResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
