using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore;

namespace MvcShop.Tests;

/// <summary>
/// The shop keeps its orders in SQLite and its conversions in the outbox beside them: an order's conversion commits with
/// the order and is delivered from the table; views keep the in-memory queue; the sandbox page lists the outbox's records.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private ShopApp _shop = null!;

    public Task InitializeAsync()
    {
        // A short poll, so a record written behind the app's back (the dead-letter test) is found within the test.
        _shop = ShopApp.Start(requireConsent: false, settings: new Dictionary<string, string?> { ["Oaiq:Outbox:PollInterval"] = "00:00:00.100" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public void Logging_TheDispatchersPollSql_IsNotLoggedAtInformation_TheLibrarysLinesAre()
    {
        // Arrange
        var loggers = _shop.Services.GetRequiredService<ILoggerFactory>();

        // Act
        var efCommands = loggers.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command");
        var outbox = loggers.CreateLogger("OaiqPixel.EntityFrameworkCore.Dispatching.OutboxDispatcher");

        // Assert: EF Core's "Executed DbCommand" (Information) stays out of the console; failures do not.
        Assert.False(efCommands.IsEnabled(LogLevel.Information));
        Assert.True(efCommands.IsEnabled(LogLevel.Warning));
        Assert.True(outbox.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task Checkout_OrderCommits_OrderIsStoredAndItsConversionIsDeliveredFromTheOutbox()
    {
        // Arrange
        using var visitor = _shop.CreateSession();
        await visitor.GetAsync("/products/sku-2");
        await visitor.SubmitAsync("form[action='/cart/add']", new Dictionary<string, string> { ["quantity"] = "3" });
        await visitor.GetAsync("/checkout");

        // Act
        await visitor.SubmitAsync("form[action='/checkout']", new Dictionary<string, string> { ["Email"] = "grace@example.com", ["Name"] = "Grace Hopper" });
        var orderId = int.Parse(visitor.Page.QuerySelector("#order-number")!.TextContent, System.Globalization.CultureInfo.InvariantCulture);
        var eventId = $"order_{orderId}";
        await Wait.UntilAsync(() => _shop.Sandbox.ServerEvents.Any(e => e.Id == eventId), "the server leg of " + eventId);
        var outbox = _shop.Services.GetRequiredService<IOaiqOutbox>();
        await Wait.UntilAsync(async () => (await outbox.GetSnapshotAsync()).RecentlyDelivered.Any(d => d.EventId == eventId), "the outbox's delivery of " + eventId);
        var snapshot = await outbox.GetSnapshotAsync();
        var page = await new HtmlParser().ParseDocumentAsync(await _shop.CreateClient().GetStringAsync("/oaiq"));

        // Assert: the order is in the database with its lines; its conversion went through the outbox (delivered, then
        // deleted from the table) and rendered in the browser with the same id.
        var order = _shop.Query(db => db.Orders.AsNoTracking().Single(o => o.Id == orderId));
        Assert.Equal("grace@example.com", order.Email);
        Assert.Equal(37.50m, order.Total);
        Assert.Equal(("sku-2", 3), (Assert.Single(order.Lines).ProductId, order.Lines[0].Quantity));
        Assert.Single(visitor.Measured, m => m.Call.EventId == eventId && m.Call.EventName == "order_created");
        Assert.Single(_shop.Sandbox.ServerEvents, e => e.Id == eventId);
        Assert.Equal(0, _shop.Query(db => db.Set<OaiqOutboxMessage>().Count()));
        Assert.Equal(0, snapshot.PendingCount);
        Assert.Contains(eventId, page.QuerySelector("#outbox-delivered")!.TextContent, StringComparison.Ordinal);

        // Assert: views keep the in-memory queue: they reached the API without passing through the outbox.
        var views = visitor.Measured.Where(m => m.Call.EventName is "page_viewed" or "contents_viewed").Select(m => m.Call.EventId!).ToList();
        Assert.NotEmpty(views);
        await Wait.UntilAsync(() => views.All(id => _shop.Sandbox.ServerEvents.Any(e => e.Id == id)), "the server leg of every view");
        Assert.DoesNotContain(snapshot.RecentlyDelivered, d => views.Contains(d.EventId));
    }

    [Fact]
    public async Task SandboxPage_RecordsWaitingAndRefused_ListsThemPendingAndDeadLettered()
    {
        // Arrange: two records as the outbox writes them: one due in an hour (a retry's back-off), one the sandbox API
        // refuses (an amount with a fraction, spec §3.3: minor units only).
        var now = DateTimeOffset.UtcNow;
        _shop.Query(db =>
        {
            db.Set<OaiqOutboxMessage>().AddRange(
                Message("order_waiting", now, now.AddHours(1), "\"amount\":2599,\"currency\":\"USD\""),
                Message("order_refused", now, now, "\"amount\":25.99,\"currency\":\"USD\""));
            return db.SaveChanges();
        });

        // Act
        var outbox = _shop.Services.GetRequiredService<IOaiqOutbox>();
        await Wait.UntilAsync(async () => (await outbox.GetSnapshotAsync()).DeadLetteredCount == 1, "order_refused dead-lettered");
        var page = await new HtmlParser().ParseDocumentAsync(await _shop.CreateClient().GetStringAsync("/oaiq"));

        // Assert
        Assert.Equal("1", page.QuerySelector("#outbox-pending-count")!.TextContent);
        Assert.Equal("1", page.QuerySelector("#outbox-dead-count")!.TextContent);
        Assert.Contains("order_waiting", page.QuerySelector("#outbox-pending")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("order_refused", page.QuerySelector("#outbox-pending")!.TextContent, StringComparison.Ordinal);
        var dead = page.QuerySelector("#outbox-dead")!.TextContent;
        Assert.Contains("order_refused", dead, StringComparison.Ordinal);
        Assert.Contains("400", dead, StringComparison.Ordinal);
        Assert.Contains("data.amount", dead, StringComparison.Ordinal);
        Assert.DoesNotContain(_shop.Sandbox.ServerEvents, e => e.Id is "order_refused" or "order_waiting");
    }

    private static OaiqOutboxMessage Message(string id, DateTimeOffset now, DateTimeOffset due, string data) => new()
    {
        PixelId = "demo-pixel-0001",
        EventId = id,
        EventType = "order_created",
        OccurredAt = now,
        CreatedAt = now,
        DueAt = due,

        // Tried once already: a record never claimed is due at once whatever its due time (the writer's clock may run ahead).
        Attempts = 1,
        State = OaiqOutboxMessageState.Pending,
        Json = System.Text.Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $$$"""{"id":"{{{id}}}","type":"order_created","timestamp_ms":{{{now.ToUnixTimeMilliseconds()}}},"action_source":"web","source_url":"https://shop.example/checkout","data":{"type":"contents",{{{data}}}}}""")),
    };
}
