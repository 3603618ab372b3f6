using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.TestApps;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.EndToEnd;

/// <summary>
/// The whole path through the real registration: a request records an event, the page renders it, and the real
/// background sender delivers the same event (same id, type, custom name) with the request's context to a Conversions
/// API fake on a real loopback Kestrel.
/// </summary>
public sealed class BothLegsEndToEndTests
{
    private const string LandingOppref = "gAAAAABn-x_Y0z9Q==";

    [Fact]
    public async Task TrackedEvent_ReachesThePixelAndTheConversionsApi_WithTheSameIdAndTheRequestContext()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { PixelId = TestApp.PixelId });
        await using var app = await StartAppAsync(api);
        app.Scenario.Record = (tracker, _) => tracker.Track(
            OaiqEvent.Custom("quote_requested", new CustomData { Amount = Money.FromMajor(49.90m, "EUR") }.WithProperty("form", "footer")),
            eventId: "quote_7",
            user: UserData.FromEmail(" Ada@Example.com "));

        using var client = app.CreateClient();
        var document = await TestApp.ParseAsync(await client.GetAsync($"/page?oppref={Uri.EscapeDataString(LandingOppref)}&utm=x"));

        // Browser leg: what the page asks the pixel to measure.
        var measures = PixelCall.Parse(Assert.Single(document.QuerySelectorAll("script")).TextContent)
            .Where(call => call.Command == "measure")
            .Select(call => call.Nodes)
            .ToArray();
        Assert.Equal(["page_viewed", "custom"], measures.Select(m => m[1]!.GetValue<string>()).ToArray());

        // Server leg: the same events arrive at the API, enriched from the request.
        var received = await api.WaitForEventsAsync(2, TimeSpan.FromSeconds(15));
        var byId = received.ToDictionary(e => e.GetProperty("id").GetString()!, StringComparer.Ordinal);
        foreach (var measure in measures)
        {
            var options = measure[3]!;
            var id = options["event_id"]!.GetValue<string>();
            Assert.True(byId.TryGetValue(id, out var server), $"The API never received {id}.");
            Assert.Equal(measure[1]!.GetValue<string>(), server.GetProperty("type").GetString());
            Assert.Equal(options["custom_event_name"]?.GetValue<string>(), server.TryGetProperty("custom_event_name", out var name) ? name.GetString() : null);
            Assert.Equal(LandingOppref, server.GetProperty("oppref").GetString());
            Assert.Equal("http://localhost/page", server.GetProperty("source_url").GetString());
            Assert.Equal("web", server.GetProperty("action_source").GetString());
            var user = server.GetProperty("user");
            Assert.Equal("203.0.113.7", user.GetProperty("ip_address").GetString());
            Assert.Equal(TestApp.BrowserUserAgent, user.GetProperty("user_agent").GetString());

            // The pixel's data is the API's data without the server-only fields.
            var serverData = JsonNode.Parse(server.GetProperty("data").GetRawText())!.AsObject();
            serverData.Remove("form");
            Assert.True(JsonNode.DeepEquals(measure[2], serverData), $"{measure[2]} != {serverData}");
        }

        var quote = byId["quote_7"];
        Assert.Equal("quote_requested", quote.GetProperty("custom_event_name").GetString());
        Assert.Equal(4990, quote.GetProperty("data").GetProperty("amount").GetInt64());
        Assert.Equal("footer", quote.GetProperty("data").GetProperty("form").GetString());
        Assert.Equal(
            UserDataNormalizer.Sha256Hex("ada@example.com"),
            Assert.Single(quote.GetProperty("user").GetProperty("emails_sha256").EnumerateArray()).GetString());
        Assert.Equal(JsonValueKind.Undefined, byId.Values.First(e => e.GetProperty("type").GetString() == "page_viewed").GetProperty("user").TryGetProperty("emails_sha256", out var none) ? none.ValueKind : JsonValueKind.Undefined);
        Assert.Equal(2, api.Events.Count);
    }

    [Fact]
    public async Task RedirectedConversion_IsSentOnce_AndRenderedOnceOnTheNextPage()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { PixelId = TestApp.PixelId });
        await using var app = await StartAppAsync(api);
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), eventId: "order_42");

        using var client = app.CreateClient();
        using var post = await client.PostAsync("/place", content: null);
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);

        app.Scenario.Record = null;
        var cookie = string.Join("; ", TestApp.SetCookies(post).Select(c => c.Split(';')[0]));
        using var next = new HttpRequestMessage(HttpMethod.Get, "/page");
        next.Headers.Add("Cookie", cookie);
        var document = await TestApp.ParseAsync(await client.SendAsync(next));
        var calls = PixelCall.Lines(document.QuerySelector("script")!.TextContent);
        Assert.Single(calls, call => call.Contains("\"order_created\"", StringComparison.Ordinal) && call.Contains("\"order_42\"", StringComparison.Ordinal));

        // The order (queued by the POST) and the confirmation page's page_viewed; the redirect itself renders no page.
        await api.WaitForEventsAsync(2, TimeSpan.FromSeconds(15));

        // Marker: a later page's view arrives, so anything the redirect or the confirmation page queued has been sent too.
        var later = await TestApp.ParseAsync(await client.GetAsync("/page?later=1"));
        var laterView = Assert.Single(PixelCall.Parse(later.QuerySelector("script")!.TextContent), c => c.EventName == "page_viewed").EventId!;
        await Wait.UntilAsync(() => api.EventIds.Contains(laterView), "the later page's view at the API", () => string.Join(", ", api.EventIds));

        Assert.Single(api.Events, e => e.GetProperty("id").GetString() == "order_42");
        Assert.Equal(2, api.Events.Count(e => e.GetProperty("type").GetString() == "page_viewed"));
        Assert.Equal(3, api.Events.Count);
    }

    private static Task<TestApp> StartAppAsync(FakeConversionsApi api) =>
        TestApp.StartAsync(
            configure: options =>
            {
                options.ConversionsApi.ApiKey = api.ApiKey;
                options.ConversionsApi.BaseAddress = api.BaseAddress;
                options.ConversionsApi.FlushInterval = TimeSpan.FromMilliseconds(50);
            },
            services: services =>
            {
                // The real server leg and the real clock (the fake API checks the 7-day window against its own clock).
                services.RemoveAll<IConversionEventStore>();
                services.AddSingleton<IConversionEventStore>(sp => sp.GetRequiredService<ConversionEventQueue>());
                services.AddSingleton(TimeProvider.System);
            },
            beforeTracking: app => app.Use((context, next) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
                return next(context);
            }));
}
