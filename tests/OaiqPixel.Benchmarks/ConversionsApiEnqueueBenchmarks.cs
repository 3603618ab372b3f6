using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's cost on the request path: <see cref="IConversionEventSink.TryEnqueue"/> (validation + bounded channel
/// write + counter) for a prebuilt event; the queue is emptied after each call so it never fills.
/// </summary>
[MemoryDiagnoser]
public class ConversionsApiEnqueueBenchmarks
{
    private ServiceProvider _provider = null!;
    private IConversionEventSink _sink = null!;
    private ConversionEventQueue _queue = null!;
    private ConversionEvent _event = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<OaiqTrackingOptions>().Configure(o =>
        {
            o.PixelId = "px_bench";
            o.ConversionsApi.ApiKey = "sk-svcacct-bench";
        });
        services.AddOaiqConversionsApi();
        _provider = services.BuildServiceProvider();
        _sink = _provider.GetRequiredService<IConversionEventSink>();
        _queue = _provider.GetRequiredService<ConversionEventQueue>();
        _event = new ConversionEvent(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_1", DateTimeOffset.UtcNow)
        {
            SourceUrl = "https://shop.example.com/checkout",
            User = UserData.FromEmail("ada@example.com").WithIpAddress("203.0.113.7").WithUserAgent("Mozilla/5.0"),
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark]
    public bool TryEnqueue()
    {
        var accepted = _sink.TryEnqueue(_event);
        _queue.TryTake(out _);
        return accepted;
    }
}
