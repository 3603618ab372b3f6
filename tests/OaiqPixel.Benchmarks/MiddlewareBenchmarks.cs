using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Issue 6, row 1: the tracking middleware's fast path (no <c>oppref</c>, no cookies of ours) against a pass-through
/// middleware, on one reused request.
/// </summary>
[MemoryDiagnoser]
public class MiddlewareBenchmarks
{
    private static readonly RequestDelegate s_endpoint = static _ => Task.CompletedTask;

    private ServiceProvider _services = null!;
    private OaiqTrackingMiddleware _middleware = null!;
    private RequestDelegate _passThrough = null!;
    private DefaultHttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(options => options.PixelId = "px_bench");
        _services = services.BuildServiceProvider();
        _middleware = ActivatorUtilities.CreateInstance<OaiqTrackingMiddleware>(_services, s_endpoint);
        _passThrough = context => s_endpoint(context);
        _context = new DefaultHttpContext { RequestServices = _services };
        _context.Request.Path = "/products/42";
        _context.Request.QueryString = new QueryString("?page=2&sort=price");
        _context.Request.Headers.Cookie = "session=abc123; theme=dark";
        _context.Request.Headers.UserAgent = "Mozilla/5.0 (bench)";
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task PassThrough() => _passThrough(_context);

    [Benchmark]
    public Task OaiqFastPath() => _middleware.InvokeAsync(_context);
}
