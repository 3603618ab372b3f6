using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Rendering;

/// <summary><c>HttpContext.GetOaiqPixel()</c>: the pixel for minimal APIs and other renderers, by the tag helper's rules.</summary>
public sealed class MarkupApiTests
{
    private static Task<TestApp> StartAsync(Action<OaiqTrackingOptions>? configure = null) => TestApp.StartAsync(configure, endpoints: app =>
    {
        app.MapGet("/minimal", (HttpContext http, IConversionTracker tracker) =>
        {
            tracker.Track(OaiqEvent.LeadCreated(), "lead_min_1");
            return Results.Content($"<!DOCTYPE html><html><head>{ToHtml(http.GetOaiqPixel(nonce: "n-1"))}{ToHtml(http.GetOaiqPixel())}</head><body>ok</body></html>", "text/html");
        });
        app.MapGet("/minimal-opted-out", (HttpContext http) => Results.Content("<head>" + ToHtml(http.GetOaiqPixel()) + "</head>", "text/html")).DisableOaiqTracking();
    });

    [Fact]
    public async Task MinimalApiPage_GetsBothLegsWithOneId_AndThePixelOnce()
    {
        await using var app = await StartAsync();

        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/minimal", UriKind.Relative)));

        var script = Assert.Single(document.QuerySelectorAll("head script"));
        Assert.Equal("n-1", script.GetAttribute("nonce"));
        var calls = PixelCall.Lines(script.TextContent);
        Assert.Contains(calls, c => c.StartsWith("oaiq(\"measure\",\"page_viewed\",", StringComparison.Ordinal));
        Assert.Contains("oaiq(\"measure\",\"lead_created\",{\"type\":\"customer_action\"},{\"event_id\":\"lead_min_1\"});", calls);
        var pageViewId = calls.Single(c => c.Contains("page_viewed", StringComparison.Ordinal)).Split("\"event_id\":\"")[1].Split('"')[0];
        Assert.Equal(new HashSet<string> { "lead_min_1", pageViewId }, app.Sink.Events.Select(e => e.Id).ToHashSet());
    }

    [Fact]
    public async Task OptedOutEndpoint_RendersNothing()
    {
        await using var app = await StartAsync();

        var html = await (await app.CreateClient().GetAsync(new Uri("/minimal-opted-out", UriKind.Relative))).Content.ReadAsStringAsync();

        Assert.Equal("<head></head>", html);
        Assert.Empty(app.Sink.Events);
    }

    [Fact]
    public async Task TrackingOff_RendersNothing()
    {
        await using var app = await StartAsync(o => o.Enabled = false);

        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/minimal", UriKind.Relative)));

        Assert.Empty(document.QuerySelectorAll("script"));
    }

    private static string ToHtml(Microsoft.AspNetCore.Html.IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return writer.ToString();
    }
}
