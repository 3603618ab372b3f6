using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.TagHelpers;

public sealed class PixelRenderingTests
{
    [Fact]
    public async Task Page_RendersOneScriptWithLoaderInitAndPageViewed()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        var client = app.CreateClient();

        // Act
        var document = await TestApp.ParseAsync(await client.GetAsync("/page"));

        // Assert
        var script = Assert.Single(document.QuerySelectorAll("script"));
        Assert.Same(document.Head, script.ParentElement);
        var text = script.TextContent;
        Assert.Single(Regex.Matches(text, Regex.Escape("if(w.oaiq)return;")));
        Assert.Contains("\"https://bzrcdn.openai.com/sdk/oaiq.min.js\"", text);
        var calls = PixelCall.Lines(text);
        Assert.Equal("oaiq(\"init\",{\"pixelId\":\"px_test_123\"});", calls[0]);
        var pageView = Assert.Single(app.Sink.Events);
        Assert.Equal("page_viewed", pageView.Event.Name);
        Assert.Matches("^evt_[0-9a-z]{26}$", pageView.Id);
        Assert.Equal($"oaiq(\"measure\",\"page_viewed\",{{\"type\":\"contents\"}},{{\"event_id\":\"{pageView.Id}\"}});", calls[1]);
        Assert.Equal(2, calls.Count);
        Assert.False(script.HasAttribute("nonce"));
    }

    [Fact]
    public async Task Page_RendersRecordedEventsInOrderWithTheirIds()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, _) =>
        {
            tracker.Track(OaiqEvent.ContentsViewed(new ContentsData { Contents = [new Content { Id = "sku-1" }] }), "view_1");
            tracker.Track(OaiqEvent.Custom("quote_requested"), "quote_7", optOut: true);
            tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")));
        };

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        var calls = PixelCall.Lines(Assert.Single(document.QuerySelectorAll("script")).TextContent);
        Assert.Equal(5, calls.Count);
        Assert.StartsWith("oaiq(\"init\"", calls[0]);
        Assert.StartsWith("oaiq(\"measure\",\"page_viewed\"", calls[1]);
        Assert.Equal("oaiq(\"measure\",\"contents_viewed\",{\"type\":\"contents\",\"contents\":[{\"id\":\"sku-1\"}]},{\"event_id\":\"view_1\"});", calls[2]);
        Assert.Equal("oaiq(\"measure\",\"custom\",{\"type\":\"custom\"},{\"event_id\":\"quote_7\",\"custom_event_name\":\"quote_requested\",\"opt_out\":true});", calls[3]);
        var order = app.Sink.Events.Single(e => e.Event.Name == "order_created");
        Assert.Equal($"oaiq(\"measure\",\"order_created\",{{\"type\":\"contents\",\"amount\":2599,\"currency\":\"USD\"}},{{\"event_id\":\"{order.Id}\"}});", calls[4]);
    }

    [Fact]
    public async Task Tracker_HandsTheSameEventToTheServerLeg_EnrichedFromTheRequest()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, _) =>
            tracker.Track(OaiqEvent.Custom("quote_requested"), "quote_7", UserData.FromEmail("Ada@Example.com"));
        var client = app.CreateClient(https: true);
        var request = new HttpRequestMessage(HttpMethod.Get, "/page?oppref=gAAAAB-x_y%3D%3D&q=secret#frag");
        request.Headers.Add("Cookie", "__obref=0b1e2f3a-1111-4222-8333-944455556666");

        // Act
        var document = await TestApp.ParseAsync(await client.SendAsync(request));

        // Assert
        var quote = app.Sink.Events.Single(e => e.Id == "quote_7");
        Assert.Equal("custom", quote.Event.Name);
        Assert.Equal("quote_requested", quote.Event.CustomEventName);
        Assert.Equal("gAAAAB-x_y==", quote.Oppref);
        Assert.Equal("https://localhost/page", quote.SourceUrl);
        Assert.Equal(ActionSource.Web, quote.ActionSource);
        Assert.Equal(app.Time.GetUtcNow(), quote.Timestamp);
        Assert.NotNull(quote.User);
        Assert.Equal("0b1e2f3a-1111-4222-8333-944455556666", quote.User.Obref);
        Assert.Equal(TestApp.BrowserUserAgent, quote.User.UserAgent);
        Assert.Single(quote.User.EmailsSha256);
        // The pixel copy carries the same id, type and custom name.
        Assert.Contains("oaiq(\"measure\",\"custom\",{\"type\":\"custom\"},{\"event_id\":\"quote_7\",\"custom_event_name\":\"quote_requested\"});",
            document.QuerySelector("script")!.TextContent);
        // page_viewed's server copy is enriched the same way.
        var pageView = app.Sink.Events.Single(e => e.Event.Name == "page_viewed");
        Assert.Equal("gAAAAB-x_y==", pageView.Oppref);
        Assert.Equal("https://localhost/page", pageView.SourceUrl);
        Assert.Equal(app.Time.GetUtcNow(), pageView.Timestamp);
    }

    [Fact]
    public async Task Tracker_RemoteIpAddress_IsTheConnectionAddress()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(beforeTracking: web => web.Use((context, next) =>
        {
            context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("203.0.113.7");
            return next(context);
        }));
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        // Act
        await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        Assert.Equal("203.0.113.7", app.Sink.Events.Single(e => e.Id == "lead_1").User!.IpAddress);
    }

    [Fact]
    public async Task Page_NonceFromProvider_EqualsTheCspHeaderNonce()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(
            options => options.NonceProvider = context => context.Items["csp-nonce"] as string,
            beforeTracking: web => web.Use((context, next) =>
            {
                var nonce = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
                context.Items["csp-nonce"] = nonce;
                context.Response.Headers.ContentSecurityPolicy = $"script-src 'nonce-{nonce}' https://bzrcdn.openai.com";
                return next(context);
            }));

        // Act
        var response = await app.CreateClient().GetAsync("/page");
        var document = await TestApp.ParseAsync(response);

        // Assert
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var headerNonce = Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(headerNonce);
        Assert.Equal(headerNonce, Assert.Single(document.QuerySelectorAll("script")).GetAttribute("nonce"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("%20%20%20")]
    [InlineData("%09")]
    public async Task Page_EmptyNonceAttribute_UsesTheProvidersNonce(string? attributeValue)
    {
        // Arrange: <oaiq-pixel nonce="@ViewData["nonce"]" /> with nothing (or white space) in ViewData, and a provider.
        await using var app = await StartWithCspAsync();

        // Act
        var response = await app.CreateClient().GetAsync("/nonce-attribute" + (attributeValue is null ? "" : "?nonce=" + attributeValue));
        var document = await TestApp.ParseAsync(response);

        // Assert: the script carries the nonce the CSP header allows.
        Assert.Equal(CspNonce(response), Assert.Single(document.QuerySelectorAll("script")).GetAttribute("nonce"));
    }

    [Fact]
    public async Task Page_NonceAttribute_WinsOverTheProvider()
    {
        // Arrange
        await using var app = await StartWithCspAsync();

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/nonce-attribute?nonce=from-the-view"));

        // Assert
        Assert.Equal("from-the-view", Assert.Single(document.QuerySelectorAll("script")).GetAttribute("nonce"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("%20")]
    public async Task Page_EmptyNonceAttributeWithoutProvider_RendersNoNonceAttribute(string attributeValue)
    {
        // Arrange: a provider that has no nonce for this request either.
        await using var app = await TestApp.StartAsync(options => options.NonceProvider = _ => " ");

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/nonce-attribute?nonce=" + attributeValue));

        // Assert
        var script = Assert.Single(document.QuerySelectorAll("script"));
        Assert.False(script.HasAttribute("nonce"));
        Assert.Contains("oaiq(\"init\"", script.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_HostileNonceAttribute_IsAttributeEncoded()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await app.CreateClient().GetAsync("/nonce-attribute?nonce=" + Uri.EscapeDataString("\" onload=\"alert(1)\"><script>alert(2)</script>"));
        var html = await response.Content.ReadAsStringAsync();
        var document = await TestApp.ParseAsync(response);

        // Assert
        var script = Assert.Single(document.QuerySelectorAll("script"));
        Assert.Equal("\" onload=\"alert(1)\"><script>alert(2)</script>", script.GetAttribute("nonce"));
        Assert.False(script.HasAttribute("onload"));
        Assert.Contains("nonce=\"&quot; onload=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_HostileNonce_IsAttributeEncoded()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.NonceProvider = _ => "\"><script>alert(1)</script>");

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        var script = Assert.Single(document.QuerySelectorAll("script"));
        Assert.Equal("\"><script>alert(1)</script>", script.GetAttribute("nonce"));
    }

    [Fact]
    public async Task Page_ScriptRunsOnActivationWhenPrerendered_AndEachCallKeepsItsLine()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert: everything sits inside one function that runs now, or on prerenderingchange when prerendered.
        var lines = Assert.Single(document.QuerySelectorAll("script")).TextContent.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("(function(r){var d=document;if(d.prerendering){d.addEventListener(\"prerenderingchange\",r,{once:true});}else{r();}})(function(){", lines[0]);
        Assert.StartsWith("(function(w,d,s,u){if(w.oaiq)return;", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("oaiq(\"init\"", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("oaiq(\"measure\",\"page_viewed\"", lines[3], StringComparison.Ordinal);
        Assert.Equal("});", lines[4]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public async Task Page_TwoPixelTags_RenderOneLoader()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/two-pixels"));

        // Assert
        Assert.Single(document.QuerySelectorAll("script"));
        Assert.Single(app.Sink.Events);
    }

    [Fact]
    public async Task Page_TrackingDisabled_RendersNothingAndRecordsNothing()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.Enabled = false);
        string? result = "not called";
        app.Scenario.Record = (tracker, _) => result = tracker.Track(OaiqEvent.LeadCreated());

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=abc");
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Null(result);
        Assert.Empty(app.Sink.Events);
        Assert.Empty(TestApp.SetCookies(response));
    }

    [Fact]
    public async Task Page_EndpointOptedOut_RendersNothingRecordsNothingWritesNoCookie()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await app.CreateClient().GetAsync("/opted-out?oppref=abc");
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Equal([null], app.Scenario.TrackResults);
        Assert.Empty(app.Sink.Events);
        Assert.Empty(TestApp.SetCookies(response));
    }

    [Fact]
    public async Task MinimalEndpoint_DisableOaiqTrackingConvention_WritesNoCookie()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(endpoints: web =>
        {
            web.MapGet("/minimal", () => "ok").DisableOaiqTracking();
            web.MapGet("/minimal-tracked", () => "ok");
        });
        var client = app.CreateClient();

        // Act
        var optedOut = await client.GetAsync("/minimal?oppref=abc");
        var tracked = await client.GetAsync("/minimal-tracked?oppref=abc");

        // Assert
        Assert.Empty(TestApp.SetCookies(optedOut));
        Assert.Contains("__oppref=abc; max-age=2592000; path=/; samesite=lax", TestApp.SetCookies(tracked));
    }

    [Fact]
    public async Task Page_DebugAndCustomSdkUrl_AreRendered()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options =>
        {
            options.Debug = true;
            options.SdkUrl = "/_oaiq/sdk.js";
            options.AutoPageView = false;
        });

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        var text = document.QuerySelector("script")!.TextContent;
        Assert.Contains("(window,document,\"script\",\"/_oaiq/sdk.js\");", text);
        Assert.Equal(["oaiq(\"init\",{\"pixelId\":\"px_test_123\",\"debug\":true});"], PixelCall.Lines(text));
        Assert.Empty(app.Sink.Events);
    }

    [Fact]
    public async Task Page_SendPageViewsOff_KeepsPageViewInTheBrowserOnly()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.ConversionsApi.SendPageViews = false);

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        Assert.Contains("\"page_viewed\"", document.QuerySelector("script")!.TextContent);
        Assert.Empty(app.Sink.Events);
    }

    [Fact]
    public async Task EventTag_RecordsTypedEventsThroughTheTracker()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/event-tag?id=view_9&cid=sku-9&cname=Socks&plan=pro"));

        // Assert
        var calls = PixelCall.Lines(document.QuerySelector("script")!.TextContent);
        Assert.Equal("oaiq(\"measure\",\"contents_viewed\",{\"type\":\"contents\",\"amount\":1250,\"currency\":\"USD\",\"contents\":[{\"id\":\"sku-9\",\"name\":\"Socks\",\"content_type\":\"product\",\"quantity\":2}]},{\"event_id\":\"view_9\"});", calls[2]);
        var quote = app.Sink.Events.Single(e => e.Event.Name == "custom");
        Assert.Equal($"oaiq(\"measure\",\"custom\",{{\"type\":\"custom\",\"plan_id\":\"pro\",\"amount\":1999,\"currency\":\"EUR\"}},{{\"event_id\":\"{quote.Id}\",\"custom_event_name\":\"quote_requested\",\"opt_out\":true}});", calls[3]);
        Assert.True(quote.OptOut);
        Assert.Equal(3, app.Sink.Events.Count);
        Assert.NotNull(document.QuerySelector("#page"));
    }

    private static Task<TestApp> StartWithCspAsync() =>
        TestApp.StartAsync(
            options => options.NonceProvider = context => context.Items["csp-nonce"] as string,
            beforeTracking: web => web.Use((context, next) =>
            {
                var nonce = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
                context.Items["csp-nonce"] = nonce;
                context.Response.Headers.ContentSecurityPolicy = $"script-src 'nonce-{nonce}' https://bzrcdn.openai.com";
                return next(context);
            }));

    private static string CspNonce(HttpResponseMessage response)
    {
        var nonce = Regex.Match(Assert.Single(response.Headers.GetValues("Content-Security-Policy")), "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        return nonce;
    }
}
