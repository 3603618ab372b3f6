using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Components;

/// <summary>Razor Pages: <c>&lt;oaiq-pixel /&gt;</c> and <c>&lt;oaiq-event&gt;</c> in a page, a handler's conversion after its redirect.</summary>
public sealed class RazorPagesTests
{
    private static Task<TestApp> StartAsync() => TestApp.StartAsync(
        services: s => s.AddRazorPages(o => o.RootDirectory = "/TestApps/Pages").AddApplicationPart(typeof(TestApp).Assembly),
        endpoints: app => app.MapRazorPages());

    [Theory]
    [InlineData("en-US")]
    [InlineData("de-DE")]
    public async Task Page_AmountsAsWrittenInEveryCulture_BothLegsOneId(string culture)
    {
        await using var app = await StartAsync();
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/pages/plans", UriKind.Relative)));

            var calls = PixelCall.Lines(Assert.Single(document.QuerySelectorAll("head script")).TextContent);
            Assert.Contains(calls, c => c.Contains("\"amount\":8999,\"currency\":\"USD\"", StringComparison.Ordinal) && c.Contains("cv_plans", StringComparison.Ordinal));
            Assert.Contains(calls, c => c.Contains("\"amount\":24990,\"currency\":\"EUR\"", StringComparison.Ordinal) && c.Contains("cv_team", StringComparison.Ordinal));

            // 1000.5 yen has a decimal JPY does not: refused (never rounded), the page still renders.
            Assert.DoesNotContain(calls, c => c.Contains("cv_jpy", StringComparison.Ordinal));
            Assert.Equal(["cv_plans", "cv_team"], app.Sink.Events.Where(e => e.Event.Name == "contents_viewed").Select(e => e.Id).Order());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public async Task PageHandlerConversion_RendersOnTheNextPageOnce()
    {
        await using var app = await StartAsync();
        var client = app.CreateClient();

        var post = await client.PostAsync(new Uri("/pages/plans", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var carrier = TestApp.SetCookies(post).Single(c => c.StartsWith("__oaiq_carry=", StringComparison.Ordinal)).Split(';')[0];
        using var next = new HttpRequestMessage(HttpMethod.Get, "/pages/plans");
        next.Headers.Add("Cookie", carrier);
        var document = await TestApp.ParseAsync(await client.SendAsync(next));

        var calls = PixelCall.Lines(Assert.Single(document.QuerySelectorAll("head script")).TextContent);
        Assert.Single(calls, c => c.Contains("\"subscription_created\"", StringComparison.Ordinal) && c.Contains("sub_pages_1", StringComparison.Ordinal));
        Assert.Single(app.Sink.Events, e => e.Id == "sub_pages_1");
    }
}
