using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Issue 6, row 2: a landing request with <c>?oppref=…</c> (the middleware builds the tracking context and writes the
/// <c>__oppref</c> cookie) against a pass-through middleware. Both build the same fresh request per operation, so the
/// difference is the middleware's extra cost.
/// </summary>
[MemoryDiagnoser]
public class LandingMiddlewareBenchmarks
{
    private static readonly RequestDelegate s_endpoint = static _ => Task.CompletedTask;
    private static readonly QueryString s_query = new("?utm_source=chatgpt&oppref=gAAAAABoppref-click-token_0123456789abcdef");

    private ServiceProvider _services = null!;
    private OaiqTrackingMiddleware _middleware = null!;
    private RequestDelegate _passThrough = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(options => options.PixelId = "px_bench");
        _services = services.BuildServiceProvider();
        _middleware = ActivatorUtilities.CreateInstance<OaiqTrackingMiddleware>(_services, s_endpoint);
        _passThrough = context => s_endpoint(context);
        if (!NewRequest().Request.Query.ContainsKey("oppref"))
        {
            throw new InvalidOperationException("The harness request has no oppref.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task PassThrough() => _passThrough(NewRequest());

    [Benchmark]
    public Task OaiqLandingWithOppref() => _middleware.InvokeAsync(NewRequest());

    private DefaultHttpContext NewRequest()
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("shop.example");
        context.Request.Path = "/products/42";
        context.Request.QueryString = s_query;
        context.Request.Headers.UserAgent = "Mozilla/5.0 (bench)";
        return context;
    }
}
