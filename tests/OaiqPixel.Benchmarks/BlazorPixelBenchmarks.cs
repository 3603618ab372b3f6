using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OaiqPixel.AspNetCore.Components;
using OaiqPixel.TestSupport;

/// <summary>
/// Issue 13: a Blazor page rendered on the server (static SSR, Blazor's <see cref="HtmlRenderer"/>) with
/// <c>&lt;OaiqPixel /&gt;</c> in its <c>&lt;head&gt;</c> and one <c>&lt;OaiqEvent /&gt;</c> in its body, against the same
/// page without them. Each operation is a fresh request (its own <see cref="HttpContext"/>, cascaded as Blazor does),
/// so the difference is the pixel's whole cost: the request's tracking context, <c>page_viewed</c> and the event with
/// their server copies (a counting sink), the visitor context for an interactive circuit, and the data element.
/// The page is <see cref="BlazorProductPage"/>, the one the allocation test (issue 21) renders. <c>GlobalSetup</c> also prints the bytes the pixel adds to each page an enhanced navigation fetches.
/// </summary>
[MemoryDiagnoser]
public class BlazorPixelBenchmarks
{
    private Microsoft.AspNetCore.Builder.WebApplication _app = null!;
    private HtmlRenderer _renderer = null!;
    private readonly StringWriter _page = new(System.Globalization.CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup()
    {
        // A static-rendering app first (no interactive server components: no visitor context in the page), for its bytes.
        (_app, _renderer) = Build(interactiveServer: false);
        var staticBytes = PixelBytes();
        _renderer.Dispose();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();

        // The measured app: Blazor Server, whose pages also carry the protected visitor context for their circuits.
        (_app, _renderer) = Build(interactiveServer: true);
        var serverBytes = PixelBytes();
        Console.WriteLine($"// Pixel bytes per page (what an enhanced navigation adds): static rendering {staticBytes.Added} (page {staticBytes.Page} bytes), " +
            $"with interactive Server {serverBytes.Added} (page {serverBytes.Page} bytes); UTF-8, uncompressed");
    }

    /// <summary>Renders the pages of another app from now on: with interactive Server components, or static rendering only.</summary>
    internal void UseApp(bool interactiveServer)
    {
        _renderer.Dispose();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        (_app, _renderer) = Build(interactiveServer);
    }

    private static (Microsoft.AspNetCore.Builder.WebApplication, HtmlRenderer) Build(bool interactiveServer)
    {
        // A WebApplication's services (configuration, environment), as Razor components expect, without its server.
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        var services = builder.Services;
        if (interactiveServer)
        {
            services.AddRazorComponents().AddInteractiveServerComponents();
        }

        services.AddSingleton<NavigationManager, ProductNavigationManager>();
        services.AddOaiqTracking(options =>
        {
            options.PixelId = "px_bench";
            options.ConversionsApi.ApiKey = "sk-bench";
        });
        services.AddSingleton<OaiqPixel.AspNetCore.ConversionsApi.IConversionEventStore, AcceptingSink>();
        var app = builder.Build();
        return (app, new HtmlRenderer(app.Services, NullLoggerFactory.Instance));
    }

    private (int Added, int Page) PixelBytes()
    {
        var with = RenderString(withPixel: true);
        var without = RenderString(withPixel: false);
        if (!with.Contains("\"contents_viewed\"", StringComparison.Ordinal) || !with.Contains("\"page_viewed\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The page did not carry page_viewed and the event: " + with);
        }

        return (Encoding.UTF8.GetByteCount(with) - Encoding.UTF8.GetByteCount(without), Encoding.UTF8.GetByteCount(with));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _renderer.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public int PageWithoutPixel() => Render(withPixel: false);

    [Benchmark]
    public int PageWithOaiqPixelAndOneEvent() => Render(withPixel: true);

    // The split (issue 21): the pixel alone (tracking context, page_viewed and its server copy, the visitor context, the
    // data element) and the event alone (recorded on both legs, no pixel to render it).
    [Benchmark]
    public int PageWithOaiqPixelOnly() => Render(withPixel: true, withEvent: false);

    [Benchmark]
    public int PageWithOaiqEventOnly() => Render(withPixel: false, withEvent: true);

    private int Render(bool withPixel) => Render(withPixel, withPixel);

    private string RenderString(bool withPixel)
    {
        Render(withPixel, withPixel);
        return _page.ToString();
    }

    /// <summary>
    /// One fresh request's page, written into a reused writer as Blazor's endpoint writes a page into the response's
    /// pooled buffers (not into a string of its own); returns its length in characters. For the benchmarks and for
    /// <see cref="BlazorPageDriver"/>.
    /// </summary>
    internal int Render(bool withPixel, bool withEvent)
    {
        // Blazor's server rendering runs in the request, where IConversionTracker finds it through the accessor.
        var httpContext = BlazorProductPage.NewRequest(_app.Services);
        var parameters = BlazorProductPage.Parameters(httpContext, withPixel ? typeof(OaiqPixel.AspNetCore.Components.OaiqPixel) : null, withEvent ? typeof(OaiqEvent) : null);
        return _renderer.Dispatcher.InvokeAsync(async () =>
        {
            var page = await _renderer.RenderComponentAsync<BlazorProductPage>(parameters);
            _page.GetStringBuilder().Clear();
            page.WriteHtmlTo(_page);
            return _page.GetStringBuilder().Length;
        }).GetAwaiter().GetResult();
    }

    private sealed class AcceptingSink : OaiqPixel.AspNetCore.ConversionsApi.IConversionEventStore
    {
        public bool TryStore(OaiqPixel.ConversionEvent conversionEvent, OaiqPixel.AspNetCore.ConversionsApi.ConversionEventRecord record, Microsoft.AspNetCore.Http.HttpContext? request) => true;
    }
}
