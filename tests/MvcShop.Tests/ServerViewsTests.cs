using AngleSharp.Html.Parser;

namespace MvcShop.Tests;

/// <summary>
/// Issue 11, item 4, in the sample: an ad's landing URL unfurled by a chat app's link preview, or fetched by a script,
/// renders as usual but sends no view to the Conversions API; the visitor who opens it sends both legs.
/// </summary>
public sealed class ServerViewsTests : IAsyncLifetime
{
    private const string Landing = "/products/sku-1?oppref=gAAAAABn-x_Y0z9Q%3D%3D";

    private ShopApp _shop = null!;

    public Task InitializeAsync()
    {
        _shop = ShopApp.Start(requireConsent: false);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Theory]
    [InlineData("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")]
    [InlineData("curl/8.5.0")]
    public async Task LinkPreviewOrScript_GetsThePageButSendsNoServerView(string userAgent)
    {
        // Arrange
        using var preview = _shop.CreateClient();
        preview.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        using var visitor = _shop.CreateSession();

        // Act: the preview first, then a person opening the same link.
        var previewPage = await new HtmlParser().ParseDocumentAsync(await preview.GetStringAsync(Landing));
        await visitor.GetAsync(Landing);

        // Assert: wait for the person's views on the server leg (sent after the preview's would have been), then check
        // that none of the preview's arrived.
        var previewIds = PixelCall.Parse(previewPage.Head!.QuerySelector("script")!.TextContent)
            .Where(c => c.Command == "measure").Select(c => c.EventId!).ToList();
        var visitorIds = visitor.Calls.Where(c => c.Command == "measure").Select(c => c.EventId!).ToList();
        Assert.Equal(2, previewIds.Count);
        Assert.Equal(2, visitorIds.Count);
        await Wait.UntilAsync(() => visitorIds.All(id => _shop.Sandbox.ServerEvents.Any(e => e.Id == id)), "the visitor's page_viewed and contents_viewed on the server leg");
        Assert.DoesNotContain(_shop.Sandbox.ServerEvents, e => previewIds.Contains(e.Id));
        Assert.Equal(["contents_viewed", "page_viewed"], _shop.Sandbox.ServerEvents.Select(e => e.Type).Order());
    }
}
