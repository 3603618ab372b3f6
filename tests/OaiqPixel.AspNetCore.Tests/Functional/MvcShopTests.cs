using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Functional;

public sealed class MvcShopTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly FakeSink _sink = new();

    public MvcShopTests(WebApplicationFactory<Program> factory)
    {
        _factory = factory.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<IConversionEventSink>(_sink)));
    }

    [Fact]
    public async Task ProductPage_LandingWithOppref_CookiePixelAndContentsViewed()
    {
        // Arrange
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        // Act
        var response = await client.GetAsync("/products/sku-1?oppref=gAAAAB-x_y%3D%3D");
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Contains("__oppref=gAAAAB-x_y==; max-age=2592000; path=/; secure; samesite=lax", TestApp.SetCookies(response));
        var script = Assert.Single(document.Head!.QuerySelectorAll("script"));
        var calls = TestApp.Calls(script.TextContent);
        Assert.Equal("oaiq(\"init\",{\"pixelId\":\"demo-pixel-0001\",\"debug\":true});", calls[0]);
        Assert.StartsWith("oaiq(\"measure\",\"page_viewed\"", calls[1]);
        var viewed = _sink.Events.Single(e => e.Event.Name == "contents_viewed");
        Assert.Equal($"oaiq(\"measure\",\"contents_viewed\",{{\"type\":\"contents\",\"amount\":8999,\"currency\":\"USD\",\"contents\":[{{\"id\":\"sku-1\",\"name\":\"Trail running shoes\",\"content_type\":\"product\"}}]}},{{\"event_id\":\"{viewed.Id}\"}});", calls[2]);
        Assert.Equal("https://localhost/products/sku-1", viewed.SourceUrl);
        Assert.Equal("gAAAAB-x_y==", viewed.Oppref);
    }

    [Fact]
    public async Task PlaceOrder_PostRedirectGet_RendersTheOrderOnTheConfirmationPageOnce()
    {
        // Arrange: the factory client keeps cookies and follows redirects.
        var client = _factory.CreateClient();
        var product = await TestApp.ParseAsync(await client.GetAsync("/products/sku-2?oppref=gAAAAshop"));
        var form = (IHtmlFormElement)product.QuerySelector("form")!;
        var fields = form.Elements.OfType<IHtmlInputElement>().Where(i => i.Name is not null)
            .Select(i => KeyValuePair.Create(i.Name!, i.Value)).ToList();

        // Act
        var confirmation = await client.PostAsync(form.Action, new FormUrlEncodedContent(fields));
        var document = await TestApp.ParseAsync(confirmation);
        var reload = await client.GetAsync(confirmation.RequestMessage!.RequestUri);

        // Assert
        var orderNumber = document.QuerySelector("#order-number")!.TextContent;
        var calls = TestApp.Calls(document.QuerySelector("script")!.TextContent);
        Assert.Single(calls, c => c.StartsWith("oaiq(\"measure\",\"order_created\",{\"type\":\"contents\",\"amount\":1250,\"currency\":\"USD\"", StringComparison.Ordinal)
                                  && c.EndsWith($"{{\"event_id\":\"order_{orderNumber}\"}});", StringComparison.Ordinal));
        Assert.DoesNotContain("order_created", await reload.Content.ReadAsStringAsync());
        var order = Assert.Single(_sink.Events, e => e.Id == $"order_{orderNumber}");
        Assert.Equal("gAAAAshop", order.Oppref);
        Assert.Equal("http://localhost/orders", order.SourceUrl);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
    }
}
