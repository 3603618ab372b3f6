using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.DataLayer;

/// <summary>
/// <c>Oaiq:BrowserLeg</c>: the pixel (default), pushes to a tag manager's <c>window.dataLayer</c> instead of the loader, or
/// both — each push with the event id the server leg uses, beside the GA4 event of the same action, from the tag helper,
/// the markup API and a redirect's carrier alike.
/// </summary>
public sealed class DataLayerModeTests
{
    private static readonly Content Shoe = new() { Id = "sku_1", Name = "Trail shoe", Quantity = 2, Amount = Money.FromMinorUnits(4999, "USD") };

    [Fact]
    public async Task DataLayerMode_TagHelper_PushesEachEventWithItsIdAndGa4Purchase_AndLoadsNoSdk()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.BrowserLeg = OaiqBrowserLeg.DataLayer);
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.OrderCreated(new ContentsData { Amount = Money.FromMinorUnits(9998, "USD"), Contents = [Shoe] }), "order_42");

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/page", UriKind.Relative)));

        // Assert: no loader, no oaiq call; the page view and the order pushed with the ids the server leg got.
        var script = document.QuerySelectorAll("script").Single().TextContent;
        Assert.DoesNotContain("oaiq.min.js", script, StringComparison.Ordinal);
        Assert.Empty(PixelCall.Parse(script));
        var pushes = DataLayerPush.Parse(script);
        var events = DataLayerPush.OpenAiEvents(pushes);
        Assert.Equal(app.Sink.Events.Select(e => e.Id).Order(), events.Keys.Order());
        var order = events["order_42"];
        Assert.Equal("order_created", order.GetProperty("event_name").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("custom_event_name").ValueKind);
        Assert.Equal(9998, order.GetProperty("data").GetProperty("amount").GetInt64());
        Assert.Equal("page_viewed", Assert.Single(events, e => e.Key != "order_42").Value.GetProperty("event_name").GetString());

        var purchase = Assert.Single(pushes, p => DataLayerPush.IsEvent(p, "purchase"));
        Assert.Equal("order_42", purchase.GetProperty("oaiq").GetProperty("event_id").GetString());
        var ecommerce = purchase.GetProperty("ecommerce");
        Assert.Equal("order_42", ecommerce.GetProperty("transaction_id").GetString());
        Assert.Equal(99.98m, ecommerce.GetProperty("value").GetDecimal());
        Assert.Equal("USD", ecommerce.GetProperty("currency").GetString());
        var item = Assert.Single(ecommerce.GetProperty("items").EnumerateArray());
        Assert.Equal(("sku_1", "Trail shoe", 2, 49.99m), (item.GetProperty("item_id").GetString(), item.GetProperty("item_name").GetString(), item.GetProperty("quantity").GetInt32(), item.GetProperty("price").GetDecimal()));

        // Google's advice: ecommerce cleared right before each e-commerce push.
        var index = pushes.ToList().IndexOf(purchase);
        Assert.Equal(JsonValueKind.Null, pushes[index - 2].GetProperty("ecommerce").ValueKind);
        Assert.Equal(2, pushes.Count(p => p.TryGetProperty("ecommerce", out var e) && e.ValueKind == JsonValueKind.Null));
        // The page view has no GA4 push of its own: GA4's tag collects page_view itself.
        Assert.DoesNotContain(pushes, p => DataLayerPush.IsEvent(p, "page_view"));
    }

    [Fact]
    public async Task BothMode_MeasuresAndPushesTheSameIds_PixelMode_PushesNothing()
    {
        // Arrange
        await using var both = await TestApp.StartAsync(o => o.BrowserLeg = OaiqBrowserLeg.Both);
        await using var pixel = await TestApp.StartAsync();
        both.Scenario.Record = pixel.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        // Act
        var bothScript = (await TestApp.ParseAsync(await both.CreateClient().GetAsync(new Uri("/page", UriKind.Relative)))).QuerySelector("script")!.TextContent;
        var pixelScript = (await TestApp.ParseAsync(await pixel.CreateClient().GetAsync(new Uri("/page", UriKind.Relative)))).QuerySelector("script")!.TextContent;

        // Assert
        Assert.Contains("oaiq.min.js", bothScript, StringComparison.Ordinal);
        var measured = PixelCall.Parse(bothScript).Where(c => c.Command == "measure").Select(c => c.EventId).Order().ToList();
        Assert.Equal(measured, DataLayerPush.OpenAiEvents(DataLayerPush.Parse(bothScript)).Keys.Order());
        Assert.Contains("lead_1", measured);
        Assert.Single(DataLayerPush.Parse(bothScript), p => DataLayerPush.IsEvent(p, "generate_lead"));

        Assert.DoesNotContain("dataLayer", pixelScript, StringComparison.Ordinal);
        Assert.Contains(PixelCall.Parse(pixelScript), c => c.EventId == "lead_1");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DataLayerMode_ConsentDenied_PushesNothing_EvenWithRenderWhenConsentDenied(bool renderWhenDenied)
    {
        // Arrange
        await using var app = await TestApp.StartAsync(
            o =>
            {
                o.BrowserLeg = OaiqBrowserLeg.DataLayer;
                o.RenderWhenConsentDenied = renderWhenDenied;
            },
            services => services.AddSingleton<IOaiqConsentResolver>(new HeaderConsent()));
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");
        var client = app.CreateClient();

        // Act
        var denied = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/page") { Headers = { { "X-Consent", "no" } } });
        var granted = await client.GetAsync(new Uri("/page", UriKind.Relative));

        // Assert: denied renders no script at all; the sibling granted request pushes the lead.
        Assert.Empty((await TestApp.ParseAsync(denied)).QuerySelectorAll("script"));
        var pushes = DataLayerPush.Parse((await TestApp.ParseAsync(granted)).QuerySelector("script")!.TextContent);
        Assert.Contains("lead_1", DataLayerPush.OpenAiEvents(pushes).Keys);
    }

    [Fact]
    public async Task DataLayerMode_MarkupApi_PushesLikeTheTagHelper()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(
            o => o.BrowserLeg = OaiqBrowserLeg.DataLayer,
            endpoints: web => web.MapGet("/minimal", (HttpContext http) =>
            {
                http.RequestServices.GetRequiredService<IConversionTracker>().TrackSingle(TestApp.PixelId, OaiqEvent.ContentsViewed(new ContentsData { Contents = [Shoe] }), "view_1");
                using var writer = new StringWriter();
                http.GetOaiqPixel(nonce: "n-1").WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
                return Results.Content("<!DOCTYPE html><html><head>" + writer + "</head><body>ok</body></html>", "text/html");
            }));

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/minimal", UriKind.Relative)));

        // Assert
        var script = Assert.Single(document.QuerySelectorAll("script"));
        Assert.Equal("n-1", script.GetAttribute("nonce"));
        var pushes = DataLayerPush.Parse(script.TextContent);
        var view = DataLayerPush.OpenAiEvents(pushes)["view_1"];
        Assert.Equal(("contents_viewed", TestApp.PixelId), (view.GetProperty("event_name").GetString(), view.GetProperty("pixel_id").GetString()));
        var viewItem = Assert.Single(pushes, p => DataLayerPush.IsEvent(p, "view_item"));
        Assert.Equal("USD", viewItem.GetProperty("ecommerce").GetProperty("currency").GetString());
        Assert.False(viewItem.GetProperty("ecommerce").TryGetProperty("value", out _));
        Assert.False(viewItem.GetProperty("ecommerce").TryGetProperty("transaction_id", out _));
    }

    [Fact]
    public async Task DataLayerMode_Redirect_CarriesThePushesToTheNextPageOnce()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.BrowserLeg = OaiqBrowserLeg.DataLayer);
        app.Scenario.Record = (tracker, context) =>
        {
            if (context.Request.Method == "POST")
            {
                tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_7");
            }
        };
        var client = app.CreateClient(https: true);

        // Act
        var post = await client.PostAsync(new Uri("/place", UriKind.Relative), null);
        var carrier = Assert.Single(TestApp.SetCookies(post));
        var next = new HttpRequestMessage(HttpMethod.Get, "/page");
        next.Headers.Add("Cookie", carrier[..carrier.IndexOf(';', StringComparison.Ordinal)]);
        var confirmation = await client.SendAsync(next);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var pushes = DataLayerPush.Parse((await TestApp.ParseAsync(confirmation)).QuerySelector("script")!.TextContent);
        Assert.Equal("order_created", DataLayerPush.OpenAiEvents(pushes)["order_7"].GetProperty("event_name").GetString());
        Assert.Equal(25.99m, Assert.Single(pushes, p => DataLayerPush.IsEvent(p, "purchase")).GetProperty("ecommerce").GetProperty("value").GetDecimal());
        Assert.Single(app.Sink.Events, e => e.Id == "order_7");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoPixels_OneOrderWithASellersShare_PushesOneGa4PurchaseWithTheOrdersValue(bool redirected)
    {
        // Arrange: the order for every pixel, then the seller's pixel's share under the same id (a marketplace).
        await using var app = await TestApp.StartAsync(o =>
        {
            o.BrowserLeg = OaiqBrowserLeg.DataLayer;
            o.Pixels.Add(new OaiqPixelOptions { PixelId = "px_seller" });
        });
        app.Scenario.Record = (tracker, context) =>
        {
            if (redirected == HttpMethods.IsPost(context.Request.Method))
            {
                tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(9998, "USD")), "order_42");
                tracker.TrackSingle("px_seller", OaiqEvent.OrderCreated(Money.FromMinorUnits(1200, "USD")), "order_42");
            }
        };
        var client = app.CreateClient(https: true);
        var page = new HttpRequestMessage(HttpMethod.Get, "/page");
        if (redirected)
        {
            var carrier = Assert.Single(TestApp.SetCookies(await client.PostAsync(new Uri("/place", UriKind.Relative), null)));
            page.Headers.Add("Cookie", carrier[..carrier.IndexOf(';', StringComparison.Ordinal)]);
        }

        // Act
        var pushes = DataLayerPush.Parse((await TestApp.ParseAsync(await client.SendAsync(page))).QuerySelector("script")!.TextContent);

        // Assert: each copy reaches its pixel's tag; GA4 counts the order once, at the order's value.
        var copies = pushes.Where(p => DataLayerPush.IsEvent(p, DataLayerWriter.DataLayerEvent) && p.GetProperty("oaiq").GetProperty("event_id").GetString() == "order_42")
            .Select(p => (p.GetProperty("oaiq").GetProperty("pixel_id").GetString(), p.GetProperty("oaiq").GetProperty("data").GetProperty("amount").GetInt64()));
        Assert.Equal([(null, 9998L), ("px_seller", 1200L)], copies);
        var ecommerce = Assert.Single(pushes, p => DataLayerPush.IsEvent(p, "purchase")).GetProperty("ecommerce");
        Assert.Equal(("order_42", 99.98m), (ecommerce.GetProperty("transaction_id").GetString(), ecommerce.GetProperty("value").GetDecimal()));
    }

    [Theory]
    [InlineData(OaiqBrowserLeg.DataLayer)]
    [InlineData(OaiqBrowserLeg.Both)]
    public async Task BlazorPage_CallsAsDataCarryThePushes_AndTheSdkOnlyWhenThePixelIsOn(OaiqBrowserLeg mode)
    {
        // Arrange
        await using var app = await TestApp.StartAsync(
            o => o.BrowserLeg = mode,
            services: s => s.AddRazorComponents(),
            endpoints: web =>
            {
                web.UseAntiforgery();
                web.MapRazorComponents<OaiqPixel.AspNetCore.Tests.TestApps.Components.TestRoot>();
            });

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync(new Uri("/blazor/events", UriKind.Relative)));

        // Assert: the module gets the same pushes (one per event id the server leg got); the SDK only with the pixel on.
        // (the page's data, then each <OaiqEvent />'s own element, in document order, as the module reads them)
        using var json = JsonDocument.Parse(Assert.Single(document.QuerySelectorAll("script[data-oaiq-page]")).TextContent);
        var events = document.QuerySelectorAll("script[data-oaiq-events]").Select(e => JsonDocument.Parse(e.TextContent)).ToList();
        var calls = json.RootElement.GetProperty("calls").EnumerateArray()
            .Concat(events.SelectMany(e => e.RootElement.GetProperty("calls").EnumerateArray())).ToList();
        Assert.Equal(mode == OaiqBrowserLeg.Both, json.RootElement.TryGetProperty("sdk", out _));
        Assert.Equal(mode == OaiqBrowserLeg.Both, calls.Any(c => c[0].GetString() == "init"));
        var pushed = calls.Where(c => c[0].GetString() == "dataLayer")
            .Select(c => DataLayerPush.OpenAiEvents(c.EnumerateArray().Skip(1)).Single().Key);
        Assert.Equal(app.Sink.Events.Select(e => e.Id).Order(), pushed.Order());
    }

    [Fact]
    public void HostileValues_AreEncodedForTheScriptContext()
    {
        // Arrange
        var hostile = new Content { Id = "</script><script>alert(1)</script>", Name = "a\u2028b\"c&d" };
        var conversionEvent = ConversionEvent.Create(OaiqEvent.ItemsAdded(new ContentsData { Contents = [hostile] }), TimeProvider.System, "add_1");

        // Act
        var text = System.Text.Encoding.UTF8.GetString(new DataLayerWriter().Arguments(conversionEvent));

        // Assert: nothing can close the element or break the string; the values read back exactly.
        Assert.DoesNotContain("</script", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\u2028", text, StringComparison.Ordinal);
        Assert.DoesNotContain("&", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        var item = json.RootElement[3].GetProperty("ecommerce").GetProperty("items")[0];
        Assert.Equal((hostile.Id, hostile.Name), (item.GetProperty("item_id").GetString(), item.GetProperty("item_name").GetString()));
        Assert.Equal("add_to_cart", json.RootElement[3].GetProperty("event").GetString());
    }

    [Theory]
    [InlineData(OaiqEventNames.PageViewed, null)]
    [InlineData(OaiqEventNames.ContentsViewed, "view_item")]
    [InlineData(OaiqEventNames.ItemsAdded, "add_to_cart")]
    [InlineData(OaiqEventNames.CheckoutStarted, "begin_checkout")]
    [InlineData(OaiqEventNames.OrderCreated, "purchase")]
    [InlineData(OaiqEventNames.LeadCreated, "generate_lead")]
    [InlineData(OaiqEventNames.RegistrationCompleted, "sign_up")]
    [InlineData(OaiqEventNames.AppointmentScheduled, null)]
    [InlineData(OaiqEventNames.SubscriptionCreated, null)]
    [InlineData(OaiqEventNames.TrialStarted, null)]
    [InlineData(OaiqEventNames.Custom, null)]
    public void EveryStandardEvent_HasItsGa4Counterpart_OrNone(string openAiEvent, string? ga4Event) =>
        Assert.Equal(ga4Event, Ga4Events.For(openAiEvent));

    private sealed class HeaderConsent : IOaiqConsentResolver
    {
        public OaiqConsent Resolve(HttpContext httpContext) =>
            httpContext.Request.Headers["X-Consent"] == "no" ? OaiqConsent.Denied : OaiqConsent.Granted;
    }
}
