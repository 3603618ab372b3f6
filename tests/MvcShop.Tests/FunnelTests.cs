using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OaiqPixel.Sandbox;

namespace MvcShop.Tests;

/// <summary>The purchase funnel through real HTTP, forms posted with their antiforgery tokens; both legs checked by id.</summary>
public sealed class FunnelTests : IAsyncLifetime
{
    // URL-safe base64 with '-', '_' and '=' padding: must reach both legs byte-for-byte.
    private const string Oppref = "gAAAAABn-x_Y0z9Q==";

    private ShopApp _shop = null!;

    public Task InitializeAsync()
    {
        _shop = ShopApp.Start(requireConsent: false);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task Funnel_LandBrowseAddCheckOutAndOrder_EveryConversionReachesBothLegsWithTheSameId()
    {
        // Arrange
        using var visitor = _shop.CreateSession();

        // Act
        await visitor.GetAsync("/?oppref=" + Uri.EscapeDataString(Oppref));
        await visitor.GetAsync(visitor.Page.QuerySelector("a.product-link[href='/products/sku-1']")!.GetAttribute("href")!);
        await visitor.SubmitAsync("form[action='/cart/add']", new Dictionary<string, string> { ["quantity"] = "2" });
        await visitor.GetAsync("/checkout");
        await visitor.SubmitAsync("form[action='/checkout']", new Dictionary<string, string> { ["Email"] = " Ada@Example.COM ", ["Name"] = "Ada Lovelace" });
        var orderNumber = visitor.Page.QuerySelector("#order-number")!.TextContent;
        var confirmationUrl = visitor.Url!.PathAndQuery;
        await visitor.GetAsync(confirmationUrl);

        // Assert: the browser leg, page by page.
        Assert.Equal(
            [
                ("/", "page_viewed"),
                ("/products/sku-1", "page_viewed"), ("/products/sku-1", "contents_viewed"),
                ("/cart", "page_viewed"), ("/cart", "items_added"),
                ("/checkout", "page_viewed"),
                ($"/orders/{orderNumber}/confirmation", "page_viewed"), ($"/orders/{orderNumber}/confirmation", "checkout_started"),
                ($"/orders/{orderNumber}/confirmation", "order_created"),
                ($"/orders/{orderNumber}/confirmation", "page_viewed"),
            ],
            visitor.Measured.Select(m => (m.Path, m.Call.EventName!)));
        var order = Assert.Single(visitor.Measured, m => m.Call.EventName == "order_created").Call;
        Assert.Equal($"order_{orderNumber}", order.EventId);
        Assert.Equal(
            """{"type":"contents","amount":17998,"currency":"USD","contents":[{"id":"sku-1","name":"Trail running shoes","content_type":"product","quantity":2,"amount":8999,"currency":"USD"}]}""",
            order.Arguments[2].GetRawText());

        // Assert: the server leg got exactly the same ids, names and the landing oppref, once each.
        var browserIds = visitor.Measured.Select(m => m.Call.EventId!).ToList();
        Assert.Equal(browserIds.Count, browserIds.Distinct().Count());
        await Wait.UntilAsync(() => browserIds.All(id => _shop.Sandbox.ServerEvents.Any(e => e.Id == id)), "the server leg of every measured event");
        var server = _shop.Sandbox.ServerEvents;
        Assert.Equal(browserIds.Order(), server.Select(e => e.Id).Order());
        foreach (var (_, call) in visitor.Measured)
        {
            var received = Assert.Single(server, e => e.Id == call.EventId);
            Assert.Equal(call.EventName, received.Type);
            Assert.Equal(Oppref, received.Oppref);
        }

        using var orderEvent = JsonDocument.Parse(server.Single(e => e.Id == $"order_{orderNumber}").Json);
        var root = orderEvent.RootElement;
        Assert.Equal(17998, root.GetProperty("data").GetProperty("amount").GetInt64());
        Assert.Equal(Sha256("ada@example.com"), root.GetProperty("user").GetProperty("emails_sha256")[0].GetString());
        Assert.Equal("web", root.GetProperty("action_source").GetString());
        Assert.Empty(_shop.Sandbox.Rejections);
        Assert.All(_shop.Sandbox.BuildRows(), row => Assert.DoesNotContain(row.Problems, p => p.StartsWith("duplicate", StringComparison.Ordinal) || p.StartsWith("name mismatch", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Checkout_WithoutAntiforgeryToken_IsRefusedAndRecordsNothing()
    {
        // Arrange
        using var client = _shop.CreateClient(allowAutoRedirect: false);
        await client.GetAsync("/?oppref=x");

        // Act
        var response = await client.PostAsync("/cart/add", new FormUrlEncodedContent(new Dictionary<string, string> { ["productId"] = "sku-1", ["quantity"] = "1" }));

        // Assert: a later visitor's product view reaches the server leg, so anything the refused post queued has been
        // sent by then (one queue, sent in order); none of it is an items_added.
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        using var later = _shop.CreateSession();
        await later.GetAsync("/products/sku-2");
        var laterView = Assert.Single(later.Measured, m => m.Call.EventName == "contents_viewed").Call.EventId;
        await Wait.UntilAsync(() => _shop.Sandbox.ServerEvents.Any(e => e.Id == laterView), "the later visitor's contents_viewed on the server leg");
        Assert.DoesNotContain(_shop.Sandbox.ServerEvents, e => e.Type == "items_added");
    }

    internal static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
