using Microsoft.AspNetCore.Builder;
using System.Net;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Functional;

public sealed class PostRedirectGetTests
{
    [Fact]
    public async Task Redirect_CarriesTheEventToTheNextPageExactlyOnce()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, context) =>
        {
            if (context.Request.Method == "POST")
            {
                tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_42");
            }
        };
        var client = app.CreateClient(https: true);

        // Act
        var post = await client.PostAsync("/place", null);
        var carrier = Assert.Single(TestApp.SetCookies(post));
        var confirmation = await GetWithCookieAsync(client, "/page", CookiePair(carrier));
        var reload = await client.GetAsync("/page");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Matches("^__oaiq_carry=[A-Za-z0-9_-]+; max-age=300; path=/; secure; samesite=lax; httponly$", carrier);
        var calls = PixelCall.Lines((await TestApp.ParseAsync(confirmation)).QuerySelector("script")!.TextContent);
        Assert.Single(calls, c => c == "oaiq(\"measure\",\"order_created\",{\"type\":\"contents\",\"amount\":2599,\"currency\":\"USD\"},{\"event_id\":\"order_42\"});");
        Assert.Equal(["__oaiq_carry=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/; secure; samesite=lax"], TestApp.SetCookies(confirmation));
        Assert.DoesNotContain("order_42", await reload.Content.ReadAsStringAsync());
        // The server leg was queued once, at POST time.
        Assert.Single(app.Sink.Events, e => e.Id == "order_42");
    }

    [Fact]
    public async Task JsonResponse_CarriesTheEvent()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_9");
        var client = app.CreateClient();

        // Act
        var post = await client.PostAsync("/api/place", null);
        var carrier = Assert.Single(TestApp.SetCookies(post));
        app.Scenario.Record = null;
        var next = await GetWithCookieAsync(client, "/page", CookiePair(carrier));

        // Assert
        Assert.Contains("{\"event_id\":\"lead_9\"}", (await TestApp.ParseAsync(next)).QuerySelector("script")!.TextContent);
    }

    [Fact]
    public async Task CarrierCookie_OnAResponseWithoutPixel_IsLeftForTheNextPage()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(endpoints: web => web.MapGet("/favicon.ico", () => "icon"));
        app.Scenario.Record = (tracker, context) =>
        {
            if (context.Request.Method == "POST")
            {
                tracker.Track(OaiqEvent.LeadCreated(), "lead_1");
            }
        };
        var client = app.CreateClient();
        var cookie = CookiePair(Assert.Single(TestApp.SetCookies(await client.PostAsync("/place", null))));

        // Act
        var asset = await GetWithCookieAsync(client, "/favicon.ico", cookie);
        var page = await GetWithCookieAsync(client, "/page", cookie);

        // Assert
        Assert.Empty(TestApp.SetCookies(asset));
        Assert.Contains("\"lead_1\"", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TamperedCarrier_IsIgnoredAndCleared()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        var client = app.CreateClient();

        // Act
        var response = await GetWithCookieAsync(client, "/page", "__oaiq_carry=CfDJ8tampered-value_x");
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Equal(2, PixelCall.Lines(document.QuerySelector("script")!.TextContent).Count);
        Assert.Contains(TestApp.SetCookies(response), c => c.StartsWith("__oaiq_carry=;", StringComparison.Ordinal));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 22);
    }

    [Fact]
    public async Task ExpiredCarrier_IsIgnored()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, context) =>
        {
            if (context.Request.Method == "POST")
            {
                tracker.Track(OaiqEvent.LeadCreated(), "lead_old");
            }
        };
        var client = app.CreateClient();
        var cookie = CookiePair(Assert.Single(TestApp.SetCookies(await client.PostAsync("/place", null))));
        app.Time.Advance(TimeSpan.FromMinutes(6));

        // Act
        var page = await GetWithCookieAsync(client, "/page", cookie);

        // Assert
        Assert.DoesNotContain("lead_old", await page.Content.ReadAsStringAsync());
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 22 && r.Message.Contains("expired"));
    }

    [Fact]
    public async Task OversizedCarrier_DropsTheBrowserLegOnly()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, _) =>
        {
            for (var i = 0; i < 40; i++)
            {
                tracker.Track(OaiqEvent.ContentsViewed(new ContentsData { Contents = [new Content { Id = $"sku-{i}", Name = new string('n', 60) }] }), $"view_{i}");
            }
        };

        // Act
        var post = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Empty(TestApp.SetCookies(post));
        Assert.Equal(40, app.Sink.Events.Count);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 21);
    }

    [Fact]
    public void Carrier_RoundTrip_RendersTheSameMeasureCalls()
    {
        // Arrange
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var carrier = new PixelCarrier(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(), time);
        ConversionEvent[] events =
        [
            new(OaiqEvent.OrderCreated(Money.FromMinorUnits(12497, "JPY"), [new Content { Id = "a", Name = "</script>\u2028\"", ContentType = "product", Quantity = 3, Amount = Money.FromMinorUnits(1, "JPY"), GroupId = "g" }]), "order_1", time.GetUtcNow()),
            new(OaiqEvent.Custom("quote_requested", new CustomData { PlanId = "pro", Amount = Money.FromMinorUnits(5, "EUR") }.WithProperty("secret", "capi-only")), "q_1", time.GetUtcNow()) { OptOut = true },
            new(OaiqEvent.SubscriptionCreated(new PlanEnrollmentData { PlanId = "p" }), "s_1", time.GetUtcNow()),
            new(OaiqEvent.LeadCreated(new CustomerActionData { Amount = Money.FromMinorUnits(100, "USD") }), "l_1", time.GetUtcNow()),
        ];

        // Act
        var value = carrier.Protect(events.Select(e => (ReadOnlyMemory<byte>)PixelScriptWriter.MeasureArguments(e)).ToArray(), out _);
        var back = carrier.Unprotect(value!, out var reason);

        // Assert: each carried call renders exactly as the event would have on its own page.
        Assert.Null(reason);
        Assert.Equal(events.Select(Serialization.Wire.MeasureCall), back!.Select(call => Serialization.Wire.Call(call.Span)));
    }

    private static string CookiePair(string setCookie) => setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];

    private static Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }
}
