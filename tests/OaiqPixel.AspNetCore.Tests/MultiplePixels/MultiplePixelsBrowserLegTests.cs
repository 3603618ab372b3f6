using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.MultiplePixels;

/// <summary>
/// Several pixels on one page (spec §1.7): one loader, <c>init</c> per pixel, <c>measure</c> for every pixel,
/// <c>measureSingle(pixelId, …)</c> for one; the server leg gets one copy per pixel under one event id; pixels per request
/// from a resolver; configuration errors named by the item's key.
/// </summary>
public sealed class MultiplePixelsBrowserLegTests
{
    private const string Brand = "px_brand";
    private const string Agency = "px_agency";

    [Fact]
    public async Task TwoConfiguredPixels_InitEach_MeasureOnce_AndAServerCopyPerPixelWithOneId()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o =>
        {
            o.PixelId = Brand;
            o.Pixels.Add(new OaiqPixelOptions { PixelId = Agency, ApiKey = "sk-agency" });
        });
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/page", UriKind.Relative)));

        // Assert
        var script = document.QuerySelectorAll("script").Single().TextContent;
        Assert.Equal(1, CountOf(script, "oaiq.min.js"));
        var calls = PixelCall.Parse(script);
        Assert.Equal([Brand, Agency], calls.Where(c => c.Command == "init").Select(c => c.PixelId));
        var lastInit = calls.ToList().FindLastIndex(c => c.Command == "init");
        Assert.True(calls.ToList().FindIndex(c => c.Command == "measure") > lastInit, "every pixel is initialized before the first measure");
        Assert.Single(calls, c => c.Text == "oaiq(\"measure\",\"lead_created\",{\"type\":\"customer_action\"},{\"event_id\":\"lead_1\"});");
        Assert.DoesNotContain(calls, c => c.Command == "measureSingle");
        Assert.DoesNotContain("sk-agency", script, StringComparison.Ordinal);
        var copies = app.Sink.Events.Where(e => e.Id == "lead_1").ToList();
        Assert.Equal([Brand, Agency], copies.Select(e => e.PixelId));
    }

    [Fact]
    public async Task TrackSingle_RendersMeasureSingleWithThePixelBeforeTheName_AndOneServerCopy()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o =>
        {
            o.PixelId = Brand;
            o.Pixels.Add(new OaiqPixelOptions { PixelId = Agency });
        });
        app.Scenario.Record = (tracker, _) =>
        {
            tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_7");
            app.Scenario.TrackResults.Add(tracker.TrackSingle(Agency, OaiqEvent.OrderCreated(Money.FromMinorUnits(300, "USD")), "order_7"));
        };

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/page", UriKind.Relative)));

        // Assert
        var calls = PixelCall.Parse(document.QuerySelector("script")!.TextContent);
        Assert.Contains("oaiq(\"measureSingle\",\"px_agency\",\"order_created\",{\"type\":\"contents\",\"amount\":300,\"currency\":\"USD\"},{\"event_id\":\"order_7\"});", calls.Select(c => c.Text));
        var single = Assert.Single(calls, c => c.Command == "measureSingle");
        Assert.Equal(("order_created", "order_7", Agency), (single.EventName, single.EventId, single.PixelId));
        Assert.Equal(["order_7"], app.Scenario.TrackResults);
        // One copy per pixel for the shared event, and the seller-style copy for the agency pixel only.
        Assert.Equal(
            [(Brand, 2599L), (Agency, 2599L), (Agency, 300L)],
            app.Sink.Events.Where(e => e.Id == "order_7").Select(e => (e.PixelId!, ((ContentsData)e.Event.Data).Amount!.Value.MinorUnits)));
    }

    [Fact]
    public async Task TrackSingle_PixelNotOnThePage_RecordsNothingAndWarns()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.PixelId = Brand);
        app.Scenario.Record = (tracker, _) =>
        {
            app.Scenario.TrackResults.Add(tracker.TrackSingle("px_stranger", OaiqEvent.LeadCreated(), "lead_lost"));
            app.Scenario.TrackResults.Add(tracker.TrackSingle(Brand, OaiqEvent.LeadCreated(), "lead_kept"));
        };

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/page", UriKind.Relative)));

        // Assert
        Assert.Equal([null, "lead_kept"], app.Scenario.TrackResults);
        var calls = PixelCall.Parse(document.QuerySelector("script")!.TextContent);
        Assert.DoesNotContain(calls, c => c.EventId == "lead_lost");
        Assert.Single(calls, c => c.Command == "measureSingle" && c.EventId == "lead_kept" && c.PixelId == Brand);
        Assert.Equal(["lead_kept"], app.Sink.Events.Where(e => e.Event.Name == OaiqEventNames.LeadCreated).Select(e => e.Id));
        var warning = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 82);
        Assert.Contains("px_stranger", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Agency, "measureSingle")]
    [InlineData("", "measure")]
    public async Task EventTag_PixelAttribute_AimsTheEventAtThatPixel(string pixel, string command)
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o =>
        {
            o.PixelId = Brand;
            o.Pixels.Add(new OaiqPixelOptions { PixelId = Agency });
        });

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/pixel-event-tag?pixel=" + pixel, UriKind.Relative)));

        // Assert
        var call = Assert.Single(PixelCall.Parse(document.QuerySelector("script")!.TextContent), c => c.EventId == "lead_tag_1");
        Assert.Equal(command, call.Command);
        Assert.Equal(pixel.Length == 0 ? [Brand, Agency] : [Agency], app.Sink.Events.Where(e => e.Id == "lead_tag_1").Select(e => e.PixelId));
    }

    [Fact]
    public async Task Redirect_CarriesTheTargetedEventAsMeasureSingle()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o =>
        {
            o.PixelId = Brand;
            o.Pixels.Add(new OaiqPixelOptions { PixelId = Agency });
        });
        app.Scenario.Record = (tracker, context) =>
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                tracker.TrackSingle(Agency, OaiqEvent.OrderCreated(Money.FromMinorUnits(999, "EUR")), "order_carried");
            }
        };
        var client = app.CreateClient(https: true);

        // Act
        var post = await client.PostAsync(new Uri("/place", UriKind.Relative), null);
        var carrier = Assert.Single(TestApp.SetCookies(post)).Split(';')[0];
        using var next = new HttpRequestMessage(HttpMethod.Get, "/page");
        next.Headers.Add("Cookie", carrier);
        var page = await TestApp.ParseAsync(await client.SendAsync(next));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var carried = Assert.Single(PixelCall.Parse(page.QuerySelector("script")!.TextContent), c => c.EventId == "order_carried");
        Assert.Equal(("measureSingle", Agency), (carried.Command, carried.PixelId));
    }

    [Theory]
    [InlineData("brand.example", Brand)]
    [InlineData("agency.example", Agency)]
    public async Task Resolver_PicksThePixelByHost_ForBothLegs(string host, string pixel)
    {
        // Arrange
        await using var app = await TestApp.StartAsync(
            o => o.PixelId = null,
            services => services.AddOaiqTracking().AddPixelResolver<HostPixelResolver>());
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_host");

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient(host: host).GetAsync(new Uri("/page", UriKind.Relative)));

        // Assert
        var calls = PixelCall.Parse(document.QuerySelector("script")!.TextContent);
        Assert.Equal([pixel], calls.Where(c => c.Command == "init").Select(c => c.PixelId));
        Assert.Equal([pixel], app.Sink.Events.Where(e => e.Id == "lead_host").Select(e => e.PixelId));
    }

    [Fact]
    public async Task Resolver_NoPixelForTheHost_TracksNothingForThatRequest()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(
            o => o.PixelId = null,
            services => services.AddOaiqTracking().AddPixelResolver<HostPixelResolver>());
        app.Scenario.Record = (tracker, _) => app.Scenario.TrackResults.Add(tracker.Track(OaiqEvent.LeadCreated(), "lead_nobody"));

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient(host: "unknown.example").GetAsync(new Uri("/page", UriKind.Relative)));

        // Assert
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Equal([null], app.Scenario.TrackResults);
        Assert.Empty(app.Sink.Events);
    }

    [Fact]
    public async Task Resolver_Throws_PageRendersWithoutTrackingAndLogs80()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(
            o => o.PixelId = Brand,
            services => services.AddOaiqTracking().AddPixelResolver<ThrowingPixelResolver>());

        // Act
        var response = await app.CreateClient().GetAsync(new Uri("/page", UriKind.Relative));
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Equal("page", document.QuerySelector("#page")!.TextContent);
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 80 && r.Level == LogLevel.Error);
    }

    [Fact]
    public async Task ConfigurationList_BindsEachPixelWithItsSettings()
    {
        // Arrange
        await using var app = Build(new()
        {
            ["Oaiq:PixelId"] = Brand,
            ["Oaiq:Pixels:0:PixelId"] = Agency,
            ["Oaiq:Pixels:0:ApiKey"] = "sk-agency",
            ["Oaiq:Pixels:0:ValidateOnly"] = "true",
            ["Oaiq:Pixels:0:IntegrationSource"] = "agency.v1",
        });

        // Act
        await app.StartAsync();
        var options = app.Services.GetRequiredService<IOptions<OaiqTrackingOptions>>().Value;

        // Assert
        var pixel = Assert.Single(options.Pixels);
        Assert.Equal((Agency, "sk-agency", (bool?)true, "agency.v1"), (pixel.PixelId, pixel.ApiKey, pixel.ValidateOnly, pixel.IntegrationSource));
        var resolver = app.Services.GetRequiredService<IOaiqPixelResolver>();
        Assert.Equal([Brand, Agency], resolver.GetPixels(new DefaultHttpContext()).Select(p => p.PixelId));
        Assert.Equal("sk-agency", resolver.FindPixel(Agency)!.ApiKey);
        Assert.Null(resolver.FindPixel("px_unknown"));
    }

    [Theory]
    [InlineData("Oaiq:Pixels:1:PixelId", "", "Oaiq:Pixels:1:PixelId must be set")]
    [InlineData("Oaiq:Pixels:1:PixelId", "px with space", "Oaiq:Pixels:1:PixelId must be the Pixel ID from Ads Manager")]
    [InlineData("Oaiq:Pixels:1:PixelId", Brand, "Oaiq:Pixels:1:PixelId repeats the pixel of Oaiq:PixelId")]
    [InlineData("Oaiq:Pixels:1:IntegrationSource", "-bad", "Oaiq:Pixels:1:IntegrationSource must be 1-64 ASCII characters")]
    [InlineData("Oaiq:Pixels:1:ApiKey", " ", "Oaiq:Pixels:1:ApiKey is blank")]
    public async Task Validation_NamesThePixelItemAndKeyAtFault(string key, string value, string message)
    {
        // Arrange
        var settings = new Dictionary<string, string?>
        {
            ["Oaiq:PixelId"] = Brand,
            ["Oaiq:Pixels:0:PixelId"] = Agency,
            ["Oaiq:Pixels:1:PixelId"] = "px_third",
            [key] = value,
        };
        await using var app = Build(settings);

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith(message, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_ValidPixelList_Starts()
    {
        // Arrange
        await using var app = Build(new()
        {
            ["Oaiq:PixelId"] = Brand,
            ["Oaiq:Pixels:0:PixelId"] = Agency,
            ["Oaiq:Pixels:1:PixelId"] = "px_third",
            ["Oaiq:Pixels:1:IntegrationSource"] = "good.source",
        });

        // Act
        await app.StartAsync();

        // Assert
        Assert.DoesNotContain(app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 70);
    }

    [Fact]
    public async Task PixelsListAlone_TurnsTrackingOn_WithoutTheMissingPixelWarning()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o =>
        {
            o.PixelId = null;
            o.Pixels.Add(new OaiqPixelOptions { PixelId = Agency });
        });

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/page", UriKind.Relative)));

        // Assert
        Assert.Equal([Agency], PixelCall.Parse(document.QuerySelector("script")!.TextContent).Where(c => c.Command == "init").Select(c => c.PixelId));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 70);
    }

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddFakeLogging();
        builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"));
        return builder.Build();
    }

    /// <summary>A tenant per host name, as a multi-tenant storefront would pick it.</summary>
    private sealed class HostPixelResolver : IOaiqPixelResolver
    {
        private static readonly Dictionary<string, OaiqPixelOptions> s_tenants = new(StringComparer.OrdinalIgnoreCase)
        {
            ["brand.example"] = new() { PixelId = Brand, ApiKey = "sk-brand" },
            ["agency.example"] = new() { PixelId = Agency, ApiKey = "sk-agency" },
        };

        public IReadOnlyList<OaiqPixelOptions> GetPixels(HttpContext httpContext) =>
            s_tenants.TryGetValue(httpContext.Request.Host.Host, out var pixel) ? [pixel] : [];

        public OaiqPixelOptions? FindPixel(string pixelId) => s_tenants.Values.FirstOrDefault(p => p.PixelId == pixelId);
    }

    private sealed class ThrowingPixelResolver : IOaiqPixelResolver
    {
        public IReadOnlyList<OaiqPixelOptions> GetPixels(HttpContext httpContext) => throw new InvalidOperationException("tenant store down");

        public OaiqPixelOptions? FindPixel(string pixelId) => null;
    }
}
