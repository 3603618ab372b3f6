using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>The page's production verification panel: there only when verification is registered, and never with its key.</summary>
public sealed class SandboxVerificationPanelTests
{
    [Fact]
    public async Task WithoutVerification_ThePageHasNoPanel()
    {
        await using var app = await SandboxApp.StartAsync("Development");
        using var client = app.CreateClient();

        var page = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/oaiq"));

        Assert.Null(page.QuerySelector("#verification"));
    }

    [Fact]
    public async Task WithVerification_ThePageShowsThePanel_WithoutTheAdsApiKey()
    {
        await using var app = await SandboxApp.StartAsync(
            "Development",
            settings: new Dictionary<string, string?> { ["Oaiq:Verification:AdsApiKey"] = "sk-ads-secret-0003" },
            tracking: tracking => tracking.AddVerification());
        using var client = app.CreateClient();

        var html = await client.GetStringAsync("/oaiq");
        var page = await new HtmlParser().ParseDocumentAsync(html);

        Assert.Equal("Production verification", page.QuerySelector("#verification")!.TextContent);
        Assert.Contains("No check has run yet", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ads-secret-0003", html, StringComparison.Ordinal);
    }
}
