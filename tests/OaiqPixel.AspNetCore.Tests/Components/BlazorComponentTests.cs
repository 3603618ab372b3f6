using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Tests.TestApps;
using OaiqPixel.AspNetCore.Tests.TestApps.Components;

namespace OaiqPixel.AspNetCore.Tests.Components;

/// <summary>
/// <c>&lt;OaiqPixel /&gt;</c> and <c>&lt;OaiqEvent /&gt;</c> in a Blazor page rendered on the server: the page's calls as
/// data for the module (no inline script), the same ids on the server leg, amounts as written.
/// </summary>
public sealed class BlazorComponentTests
{
    private static Task<TestApp> StartAsync(Action<OaiqTrackingOptions>? configure = null) => TestApp.StartAsync(
        configure,
        services: s => s.AddRazorComponents(),
        endpoints: app =>
        {
            app.UseAntiforgery();
            app.MapRazorComponents<TestRoot>();
        });

    [Fact]
    public async Task StaticPage_CallsAsDataForTheModule_IdsSharedWithTheServerLeg()
    {
        await using var app = await StartAsync();

        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/blazor/events", UriKind.Relative)));

        // No executable inline script: the module (external) and a JSON data element.
        var module = Assert.Single(document.QuerySelectorAll("head script[type=module]"));
        Assert.Equal("/_content/OaiqPixel.AspNetCore/oaiq-pixel.js", module.GetAttribute("src"));
        Assert.All(document.QuerySelectorAll("script:not([src])"), s => Assert.Equal("application/json", s.GetAttribute("type")));
        var calls = Calls(document);
        Assert.Equal(["init", "measure", "measure", "measure", "measure"], calls.Select(c => c[0].GetString()));
        var measured = calls.Where(c => c[0].GetString() == "measure").ToDictionary(c => c[3].GetProperty("event_id").GetString()!, c => c);

        // Assert: the literal 89.99 and the string "129.50" as cents; 0.001 USD refused (never rounded), nothing recorded.
        Assert.Equal(8999, measured["cv_literal"][2].GetProperty("amount").GetInt64());
        Assert.Equal(12950, measured["cv_string"][2].GetProperty("amount").GetInt64());
        Assert.DoesNotContain("cv_too_precise", measured.Keys);
        Assert.Contains("lead_late", measured.Keys);
        Assert.Equal(measured.Keys.Order(), app.Sink.Events.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task EventsBelowTheHead_RenderWhereTheyStand_ThePixelsDataKeepsToThePage()
    {
        await using var app = await StartAsync();

        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/blazor/events", UriKind.Relative)));

        // The pixel's data (in the <head>) holds init, page_viewed and the event code recorded before the components:
        // not the <OaiqEvent />s, so it was not rebuilt for them.
        var pixel = ElementCalls(Assert.Single(document.QuerySelectorAll("head script[data-oaiq-page]")));
        Assert.Equal(["init", "page_viewed", "lead_created"], pixel.Select(c => c[0].GetString() == "init" ? "init" : c[1].GetString()));

        // Each <OaiqEvent /> that recorded renders its own calls in the body, where it stands; the refused one renders nothing.
        var events = document.QuerySelectorAll("body script[data-oaiq-events]").Select(ElementCalls).ToList();
        Assert.Equal(["cv_literal", "cv_string"], events.Select(e => Assert.Single(e)[3].GetProperty("event_id").GetString()));
    }

    [Fact]
    public async Task BlazorEnhancedNavigation_PageViewReachesTheServerLeg()
    {
        await using var app = await StartAsync();
        var client = app.CreateClient(browser: false);

        // Blazor's fetch: Fetch Metadata says no-cors, the Accept header marks the enhanced navigation.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/blazor/events");
        request.Headers.TryAddWithoutValidation("User-Agent", TestApp.BrowserUserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "text/html; blazor-enhanced-nav=on");
        request.Headers.Add("Sec-Fetch-Mode", "no-cors");
        request.Headers.Add("Sec-Fetch-Dest", "empty");
        var document = await TestApp.ParseAsync(await client.SendAsync(request));

        var pageViewId = Calls(document).Single(c => c.Length > 1 && c[1].ValueKind == JsonValueKind.String && c[1].GetString() == "page_viewed")[3].GetProperty("event_id").GetString();
        Assert.Contains(app.Sink.Events, e => e.Id == pageViewId && e.Event.Name == "page_viewed");
    }

    [Fact]
    public async Task ScriptFetchWithoutTheEnhancedNavigationMark_PageViewKeepsToTheBrowser()
    {
        await using var app = await StartAsync();
        var client = app.CreateClient(browser: false);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/blazor/events");
        request.Headers.TryAddWithoutValidation("User-Agent", TestApp.BrowserUserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        request.Headers.Add("Sec-Fetch-Mode", "no-cors");
        request.Headers.Add("Sec-Fetch-Dest", "empty");
        var document = await TestApp.ParseAsync(await client.SendAsync(request));

        Assert.Contains(Calls(document), c => c.Length > 1 && c[1].ValueKind == JsonValueKind.String && c[1].GetString() == "page_viewed");
        Assert.DoesNotContain(app.Sink.Events, e => e.Event.Name == "page_viewed");
    }

    [Fact]
    public async Task NonceProvider_TheModuleTagCarriesTheNonce()
    {
        await using var app = await StartAsync(o => o.NonceProvider = _ => "n0nce-1");

        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/blazor/events", UriKind.Relative)));

        Assert.Equal("n0nce-1", Assert.Single(document.QuerySelectorAll("script[type=module]")).GetAttribute("nonce"));
    }

    [Fact]
    public async Task TrackingOff_RendersNothingAndRecordsNothing()
    {
        await using var app = await StartAsync(o => o.Enabled = false);

        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/blazor/events", UriKind.Relative)));

        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Empty(app.Sink.Events);
    }

    [Fact]
    public async Task HostileValues_AreEncodedInsideTheDataElement()
    {
        await using var app = await StartAsync();

        var html = await (await app.CreateClient().GetAsync(new Uri("/blazor/hostile", UriKind.Relative))).Content.ReadAsStringAsync();

        Assert.DoesNotContain("</script><script>alert(1)", html, StringComparison.Ordinal);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var contents = Calls(document).Single(c => c[0].GetString() == "measure" && c[1].GetString() == "contents_viewed")[2].GetProperty("contents")[0];
        Assert.Equal("</script><script>alert(1)</script>", contents.GetProperty("name").GetString());
    }

    // The page's calls as the module applies them: the pixel's data (one per page), then each <OaiqEvent />'s own element,
    // in document order.
    private static JsonElement[][] Calls(IHtmlDocument document)
    {
        Assert.Single(document.QuerySelectorAll("script[data-oaiq-page]"));
        return [.. document.QuerySelectorAll("script[data-oaiq-page], script[data-oaiq-events]").SelectMany(ElementCalls)];
    }

    private static JsonElement[][] ElementCalls(AngleSharp.Dom.IElement data)
    {
        using var json = JsonDocument.Parse(data.TextContent);
        return [.. json.RootElement.GetProperty("calls").EnumerateArray().Select(c => c.EnumerateArray().Select(e => e.Clone()).ToArray())];
    }
}
