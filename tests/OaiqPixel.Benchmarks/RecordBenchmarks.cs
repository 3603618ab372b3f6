using BenchmarkDotNet.Attributes;
using OaiqPixel;
using OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Writing one event's record (its Conversions API JSON), the cost <c>Track</c> and <c>TryEnqueue</c> pay per event since
/// the queue holds records: a page view as the tracker builds it and an order with three items and user data.
/// </summary>
[MemoryDiagnoser]
public class RecordBenchmarks
{
    private ConversionEvent _pageView = null!;
    private ConversionEvent _order = null!;

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UtcNow;
        var request = UserData.FromRequest("123e4567-e89b-42d3-a456-426614174000", System.Net.IPAddress.Parse("203.0.113.7"),
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        _pageView = new ConversionEvent(OaiqEvent.PageViewed(), EventIds.New(), now)
        {
            Oppref = "gAAAAABnQ3Jz2m9Yc3ZkQXJmT0NsS2x4b2p0N2Z6Y0VtR1lQd0p4bE1nV0x6d3Zab1lQc2x1d0l2a2ZrS3JqY2VfX3pQb2M9PQ==",
            SourceUrl = "https://shop.example.com/products/sku-1",
            ActionSource = ActionSource.Web,
            User = request,
        };
        _order = new ConversionEvent(OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
            [
                new Content { Id = "sku_1042", Name = "Starter bundle", ContentType = "product", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_2210", Name = "Refill pack", ContentType = "product", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "svc_gift", Name = "Gift wrap", ContentType = "service", Quantity = 1, Amount = Money.FromMinorUnits(0, "USD") },
            ]), "order_42", now)
        {
            Oppref = _pageView.Oppref,
            SourceUrl = "https://shop.example.com/checkout/confirmation",
            ActionSource = ActionSource.Web,
            User = request.Merge(UserData.FromEmail("ada@example.com")),
        };
    }

    [Benchmark]
    public ConversionEventRecord PageView() => ConversionEventRecord.Create(_pageView, "px_bench");

    [Benchmark]
    public ConversionEventRecord OrderWithThreeItems() => ConversionEventRecord.Create(_order, "px_bench");
}
