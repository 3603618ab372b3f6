using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Issue 6, row 4: <see cref="IConversionTracker.Track"/> on the request path (build the event from the request,
/// record it for the pixel, validate and enqueue it for the server leg) against an empty <see cref="IConversionTracker"/>.
/// Each operation is a fresh request (the same harness for both), so the difference is Track's extra cost.
/// <c>TrackQueueFull</c> shows that a full queue refuses at once instead of blocking.
/// </summary>
[MemoryDiagnoser]
public class TrackBenchmarks
{
    private ServiceProvider _services = null!;
    private IHttpContextAccessor _accessor = null!;
    private IConversionTracker _tracker = null!;
    private IConversionTracker _empty = null!;
    private ConversionEventQueue _queue = null!;
    private OaiqEvent _order = null!;
    private OaiqEvent _pageView = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = BuildServices();
        _accessor = _services.GetRequiredService<IHttpContextAccessor>();
        _tracker = _services.CreateScope().ServiceProvider.GetRequiredService<IConversionTracker>();
        _queue = _services.GetRequiredService<ConversionEventQueue>();
        _empty = new EmptyTracker();
        _order = Order();
        _pageView = OaiqEvent.PageViewed();
        NewRequest();
        if (_tracker.Track(_order, "order_check") is null || !_queue.TryTake(out _))
        {
            throw new InvalidOperationException("Track did not enqueue.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _accessor.HttpContext = null;
        _services.Dispose();
    }

    [Benchmark(Baseline = true)]
    public string? EmptyCall()
    {
        NewRequest();
        return _empty.Track(_order, "order_42");
    }

    [Benchmark]
    public string? Track()
    {
        NewRequest();
        var id = _tracker.Track(_order, "order_42");
        _queue.TryTake(out _);
        return id;
    }

    /// <summary>Issue 12: a page view (no contents, the request's own id and data), the lightest event.</summary>
    [Benchmark]
    public string? TrackPageView()
    {
        NewRequest();
        var id = _tracker.Track(_pageView, "view_42");
        _queue.TryTake(out _);
        return id;
    }

    [Benchmark]
    public string? TrackWithGeneratedId()
    {
        NewRequest();
        var id = _tracker.Track(_order);
        _queue.TryTake(out _);
        return id;
    }

    [Benchmark]
    public string? TrackQueueFull()
    {
        while (_queue.Count < _queue.Capacity)
        {
            NewRequest();
            _tracker.Track(_order, "order_fill");
        }

        NewRequest();
        return _tracker.Track(_order, "order_42");
    }

    private void NewRequest() => _accessor.HttpContext = NavigationRequest(_services);

    /// <summary>The tracking services both this class and <see cref="TrackMinDriver"/> time, the middleware marked as run.</summary>
    internal static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddOaiqTracking(o =>
        {
            o.PixelId = "px_bench";
            o.ConversionsApi.ApiKey = "sk-svcacct-bench";
            o.ConversionsApi.MaxBatchSize = 16;
            o.ConversionsApi.MaxQueueSize = 16;
        });
        var provider = services.BuildServiceProvider();
        // As in an app with app.UseOaiqTracking(): the middleware has run, so a context built by Track (a request with no
        // oppref or tracking cookie, which the middleware passes through) is not watched for a missing middleware.
        provider.GetRequiredService<OaiqPixel.AspNetCore.Tracking.MiddlewareCheck>().MarkMiddlewareRan();
        return provider;
    }

    /// <summary>The order with three items (two lines) both benchmarks track.</summary>
    internal static OaiqEvent Order() => OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
    [
        new Content { Id = "sku_1", Name = "Starter bundle", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
        new Content { Id = "sku_2", Name = "Refill", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
    ]);

    /// <summary>A fresh request: a person's browser navigating (issue 11 sends a view's server copy only for such a load).</summary>
    internal static HttpContext NavigationRequest(IServiceProvider services)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("shop.example");
        context.Request.Path = "/checkout/confirmation";
        context.Request.Headers.UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        context.Request.Headers["Sec-Fetch-Mode"] = "navigate";
        context.Request.Headers["Sec-Fetch-Dest"] = "document";
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        return context;
    }

    private sealed class EmptyTracker : IConversionTracker
    {
        public string? Track(OaiqEvent oaiqEvent, string? eventId = null, UserData? user = null, bool optOut = false) => eventId;

        public string? TrackSingle(string pixelId, OaiqEvent oaiqEvent, string? eventId = null, UserData? user = null, bool optOut = false) => eventId;
    }
}
