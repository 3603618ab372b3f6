using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.ServerViews;

/// <summary>
/// Issue 11, item 4: view events (<c>page_viewed</c>, <c>contents_viewed</c>) reach the Conversions API only for loads a
/// person sees; the pixel still measures them, and every other event is sent whatever the request.
/// </summary>
public sealed class ServerViewTests
{
    private const string HeadlessChrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";

    [Fact]
    public async Task BrowserNavigation_SendsEveryViewToBothLegsWithOneId()
    {
        // Arrange
        await using var app = await StartRecordingAsync();
        using var dropped = CollectDropped(app);

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient(https: true).GetAsync("/page"));

        // Assert
        var calls = PixelCall.Lines(document.QuerySelector("script")!.TextContent);
        var pageView = Assert.Single(app.Sink.Events, e => e.Event.Name == "page_viewed");
        Assert.Contains(calls, c => c.StartsWith("oaiq(\"measure\",\"page_viewed\"", StringComparison.Ordinal) && c.Contains($"\"event_id\":\"{pageView.Id}\"", StringComparison.Ordinal));
        Assert.Single(app.Sink.Events, e => e.Id == "view_1" && e.Event.Name == "contents_viewed");
        Assert.Single(app.Sink.Events, e => e.Id == "order_1");
        Assert.Single(app.Sink.Events, e => e.Id == "lead_1");
        Assert.Empty(dropped.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task NavigationIntoAnIframe_SendsTheServerViews()
    {
        // Arrange: the page in a frame runs its pixel too, so its server copy deduplicates against it.
        await using var app = await StartRecordingAsync();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Remove("Sec-Fetch-Dest");
        client.DefaultRequestHeaders.Add("Sec-Fetch-Dest", "iframe");

        // Act
        await TestApp.ParseAsync(await client.GetAsync("/page"));

        // Assert
        Assert.Single(app.Sink.Events, e => e.Event.Name == "page_viewed");
        Assert.Single(app.Sink.Events, e => e.Id == "view_1");
    }

    [Theory]
    [InlineData("Sec-Purpose", "prefetch")]
    [InlineData("Sec-Purpose", "prefetch;prerender")]
    [InlineData("Sec-Purpose", "prefetch;anonymous-client-ip")]
    [InlineData("Purpose", "prefetch")]
    [InlineData("X-Moz", "prefetch")]
    [InlineData("X-Purpose", "preview")]
    public async Task PrefetchOrPreview_KeepsViewsInTheBrowser_AndSendsTheConversions(string header, string value)
    {
        // Arrange: a browser navigation in every other respect.
        await using var app = await StartRecordingAsync();
        using var dropped = CollectDropped(app);
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add(header, value);

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().SendAsync(request));

        // Assert: the pixel still measures both views (the page may yet be shown), the server leg gets the conversions only.
        var calls = PixelCall.Lines(document.QuerySelector("script")!.TextContent);
        Assert.Contains(calls, c => c.StartsWith("oaiq(\"measure\",\"page_viewed\"", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("oaiq(\"measure\",\"contents_viewed\"", StringComparison.Ordinal) && c.Contains("\"view_1\"", StringComparison.Ordinal));
        Assert.Equal(["lead_1", "order_1"], app.Sink.Events.Select(e => e.Id).Order());
        AssertDropped(dropped, "prefetch", 2);
    }

    [Theory]
    [InlineData(HeadlessChrome)]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/131.0.6778.69 Safari/537.36")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0 PTST/241120.141003")]
    public async Task BotThatSendsFetchMetadata_KeepsViewsInTheBrowser(string userAgent)
    {
        // Arrange: headless and rendering bots navigate like a browser; only their user agent tells them apart.
        await using var app = await StartRecordingAsync();
        using var dropped = CollectDropped(app);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Remove("User-Agent");
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);

        // Act
        await TestApp.ParseAsync(await client.GetAsync("/page"));

        // Assert
        Assert.Equal(["lead_1", "order_1"], app.Sink.Events.Select(e => e.Id).Order());
        AssertDropped(dropped, "bot", 2);
    }

    [Theory]
    [InlineData("curl/8.5.0")]
    [InlineData("python-requests/2.32.3")]
    [InlineData("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")]
    [InlineData("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)")]
    [InlineData("Twitterbot/1.0")]
    [InlineData("WhatsApp/2.23.20.0")]
    [InlineData("TelegramBot (like TwitterBot)")]
    [InlineData("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)")]
    [InlineData(TestApp.BrowserUserAgent)]
    public async Task RequestWithoutFetchMetadata_KeepsViewsInTheBrowser_AndSendsTheConversions(string userAgent)
    {
        // Arrange: link previews, crawlers, monitors and scripts fetch the landing URL (oppref and all) without Fetch
        // Metadata; so does anything with a browser's user agent that is not a browser.
        await using var app = await StartRecordingAsync();
        using var dropped = CollectDropped(app);
        var client = app.CreateClient(browser: false);
        client.DefaultRequestHeaders.Remove("User-Agent");
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);

        // Act
        await TestApp.ParseAsync(await client.GetAsync("/page?oppref=gAAAAB-click"));

        // Assert
        Assert.Equal(["lead_1", "order_1"], app.Sink.Events.Select(e => e.Id).Order());
        Assert.All(app.Sink.Events, e => Assert.Equal("gAAAAB-click", e.Oppref));
        AssertDropped(dropped, "not_navigation", 2);
    }

    [Theory]
    [InlineData("cors", "empty")]
    [InlineData("no-cors", "empty")]
    [InlineData("navigate", "empty")]
    [InlineData("same-origin", "document")]
    public async Task FetchFromAPage_SendsItsConversionsButNotItsViews(string mode, string destination)
    {
        // Arrange: a POST from fetch/XHR on a page a person sees, recording a conversion and a view.
        await using var app = await TestApp.StartAsync();
        using var dropped = CollectDropped(app);
        app.Scenario.Record = (tracker, _) =>
        {
            tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_7");
            tracker.Track(OaiqEvent.ContentsViewed(), "view_7");
        };
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Remove("Sec-Fetch-Mode");
        client.DefaultRequestHeaders.Remove("Sec-Fetch-Dest");
        client.DefaultRequestHeaders.Add("Sec-Fetch-Mode", mode);
        client.DefaultRequestHeaders.Add("Sec-Fetch-Dest", destination);

        // Act
        var response = await client.PostAsync("/api/place", null);

        // Assert: the order is sent at once; the view's browser leg is carried to the next page, its server copy skipped.
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["order_7"], app.Sink.Events.Select(e => e.Id));
        Assert.Single(TestApp.SetCookies(response), c => c.StartsWith("__oaiq_carry=", StringComparison.Ordinal));
        AssertDropped(dropped, "not_navigation", 1);
    }

    [Fact]
    public async Task EventTagInTheView_FollowsTheSameRule()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        using var dropped = CollectDropped(app);

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient(browser: false).GetAsync("/event-tag?id=view_9&cid=sku-9&cname=Socks&plan=pro"));
        var navigation = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/event-tag?id=view_10&cid=sku-9&cname=Socks&plan=pro"));

        // Assert: <oaiq-event name="contents_viewed"> records a view, <oaiq-event name="custom"> a conversion.
        Assert.Contains("\"view_9\"", document.QuerySelector("script")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Sink.Events, e => e.Id == "view_9");
        Assert.Single(app.Sink.Events, e => e.Id == "view_10");
        Assert.Equal(2, app.Sink.Events.Count(e => e.Event.Name == "custom"));
        Assert.Single(app.Sink.Events, e => e.Event.Name == "page_viewed");
        AssertDropped(dropped, "not_navigation", 2);
        Assert.NotNull(navigation.QuerySelector("#page"));
    }

    [Fact]
    public async Task SkippedView_IsLoggedAtDebugWithReasonNameAndIdOnly()
    {
        // Arrange
        await using var app = await StartRecordingAsync();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Remove("User-Agent");
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", HeadlessChrome);

        // Act
        await TestApp.ParseAsync(await client.GetAsync("/page?oppref=gAAAAB-secret-click"));

        // Assert
        var logs = app.Logs.GetSnapshot().Where(r => r.Id.Id == 40).ToList();
        Assert.Equal(2, logs.Count);
        Assert.All(logs, r => Assert.Equal(LogLevel.Debug, r.Level));
        Assert.All(logs, r => Assert.Equal("ServerViewSkipped", r.Id.Name));
        var view = Assert.Single(logs, r => r.Message.Contains("'contents_viewed' (view_1)", StringComparison.Ordinal));
        Assert.Contains("(bot)", view.Message, StringComparison.Ordinal);
        Assert.All(logs, r => Assert.DoesNotContain("HeadlessChrome", r.Message, StringComparison.Ordinal));
        Assert.All(logs, r => Assert.DoesNotContain("secret-click", r.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PolicyOff_SendsTheViewsOfScriptsAndBots()
    {
        // Arrange
        await using var app = await StartRecordingAsync(views =>
        {
            views.RequireNavigation = false;
            views.ExcludeBots = false;
        });
        using var dropped = CollectDropped(app);

        // Act
        await TestApp.ParseAsync(await app.CreateClient(browser: false).GetAsync("/page"));

        // Assert
        Assert.Equal(4, app.Sink.Events.Count);
        Assert.Single(app.Sink.Events, e => e.Event.Name == "page_viewed");
        Assert.Empty(dropped.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task RequireNavigationOff_StillExcludesBots()
    {
        // Arrange
        await using var app = await StartRecordingAsync(views => views.RequireNavigation = false);
        using var dropped = CollectDropped(app);

        // Act: a script (user agent OaiqTest/1.0, which isbot knows for a bot) without Fetch Metadata.
        await TestApp.ParseAsync(await app.CreateClient(browser: false).GetAsync("/page"));

        // Assert
        Assert.Equal(["lead_1", "order_1"], app.Sink.Events.Select(e => e.Id).Order());
        AssertDropped(dropped, "bot", 2);
    }

    [Fact]
    public async Task ExcludeBotsOff_SendsAHeadlessBrowsersViews()
    {
        // Arrange
        await using var app = await StartRecordingAsync(views => views.ExcludeBots = false);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Remove("User-Agent");
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", HeadlessChrome);

        // Act
        await TestApp.ParseAsync(await client.GetAsync("/page"));

        // Assert
        Assert.Equal(4, app.Sink.Events.Count);
    }

    [Fact]
    public async Task PolicyOff_StillNeverSendsAPrefetchsViews()
    {
        // Arrange
        await using var app = await StartRecordingAsync(views =>
        {
            views.RequireNavigation = false;
            views.ExcludeBots = false;
        });
        using var dropped = CollectDropped(app);
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Sec-Purpose", "prefetch");

        // Act
        await TestApp.ParseAsync(await app.CreateClient().SendAsync(request));

        // Assert
        Assert.Equal(["lead_1", "order_1"], app.Sink.Events.Select(e => e.Id).Order());
        AssertDropped(dropped, "prefetch", 2);
    }

    [Fact]
    public async Task ServerLegOff_CountsNoSkippedView()
    {
        // Arrange: the real queue without an API key: nothing would be sent, so nothing is skipped either.
        await using var app = await TestApp.StartAsync(o => o.ConversionsApi.ApiKey = null, services: services =>
        {
            services.RemoveAll<IConversionEventStore>();
            services.AddSingleton<IConversionEventStore>(sp => sp.GetRequiredService<ConversionEventQueue>());
        });
        app.Scenario.Record = static (tracker, _) => tracker.Track(OaiqEvent.ContentsViewed(), "view_1");
        using var dropped = CollectDropped(app);

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient(browser: false).GetAsync("/page"));

        // Assert
        Assert.Contains("\"view_1\"", document.QuerySelector("script")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(dropped.GetMeasurementSnapshot());
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 40);
    }

    [Fact]
    public void Options_AreBoundFromOaiqServerViews_WithSafeDefaults()
    {
        // Arrange
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oaiq:PixelId"] = "px_1",
            ["Oaiq:ServerViews:RequireNavigation"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(configuration.GetSection("Oaiq"));
        var defaults = new ServiceCollection();
        defaults.AddLogging();
        defaults.AddOaiqTracking(o => o.PixelId = "px_1");

        // Act
        using var provider = services.BuildServiceProvider();
        using var defaultProvider = defaults.BuildServiceProvider();
        var bound = provider.GetRequiredService<IOptions<OaiqTrackingOptions>>().Value.ServerViews;
        var byDefault = defaultProvider.GetRequiredService<IOptions<OaiqTrackingOptions>>().Value.ServerViews;

        // Assert
        Assert.False(bound.RequireNavigation);
        Assert.True(bound.ExcludeBots);
        Assert.True(byDefault.RequireNavigation);
        Assert.True(byDefault.ExcludeBots);
    }

    [Fact]
    public void Options_NullServerViews_FailsValidationNamingTheKey()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(o =>
        {
            o.PixelId = "px_1";
            o.ServerViews = null!;
        });
        using var provider = services.BuildServiceProvider();

        // Act
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OaiqTrackingOptions>>().Value);

        // Assert
        Assert.Contains("OaiqTrackingOptions.ServerViews must not be null", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The test app, where <c>/page</c> records a view (<c>view_1</c>) and two conversions (<c>order_1</c>, <c>lead_1</c>).</summary>
    private static async Task<TestApp> StartRecordingAsync(Action<OaiqServerViewOptions>? views = null)
    {
        var app = await TestApp.StartAsync(options => views?.Invoke(options.ServerViews));
        app.Scenario.Record = static (tracker, _) =>
        {
            tracker.Track(OaiqEvent.ContentsViewed(new ContentsData { Contents = [new Content { Id = "sku-1" }] }), "view_1");
            tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_1");
            tracker.Track(OaiqEvent.LeadCreated(), "lead_1");
        };
        return app;
    }

    private static MetricCollector<long> CollectDropped(TestApp app) =>
        new(app.Services.GetRequiredService<IMeterFactory>(), "OaiqPixel", "oaiq.events.dropped");

    private static void AssertDropped(MetricCollector<long> dropped, string reason, int count)
    {
        var measurements = dropped.GetMeasurementSnapshot();
        Assert.Equal(count, measurements.Sum(m => m.Value));
        Assert.All(measurements, m => Assert.Equal(reason, m.Tags["oaiq.drop.reason"]));
    }
}
