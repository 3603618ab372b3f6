using System.Text.Encodings.Web;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OaiqPixel;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;
using OaiqPixel.AspNetCore.TagHelpers;
using OaiqPixel.TestSupport;

/// <summary>
/// Issue 6, row 3: rendering <c>&lt;oaiq-pixel /&gt;</c> with <c>page_viewed</c> and 3 conversions recorded in the
/// request (loader, init, 4 <c>measure</c> calls) against a tag helper that writes a constant script. Both run the same
/// harness per operation — a fresh request, view context and output, and the rendered content written to a
/// <see cref="TextWriter"/> as Razor does — so the difference in time and bytes is the pixel's extra cost (building
/// the request's tracking context, recording the 3 conversions, rendering and writing the script).
/// <c>…ServerLegNavigation</c> is the same page with the server leg on, for a browser navigation (Fetch Metadata and a
/// person's Chrome user agent): it also decides that a person sees the load (issue 11: prefetch headers, Fetch
/// Metadata, the bot patterns; the user agent's verdict cached after the first request, as for a site's repeat
/// visitors) and builds <c>page_viewed</c>'s server copy for a sink that accepts it (the queue's own cost is
/// <c>ConversionsApiEnqueueBenchmarks</c>).
/// </summary>
[MemoryDiagnoser]
public class PixelTagHelperBenchmarks
{
    private const string StaticScript = "(function(w,d,s,u){if(w.oaiq)return;})(window,document,\"script\",\"https://bzrcdn.openai.com/sdk/oaiq.min.js\");oaiq(\"init\",{\"pixelId\":\"px_bench\"});";

    private static readonly TagHelperContext s_context = new("oaiq-pixel", [], new Dictionary<object, object>(), "id");

    private readonly NullTextWriter _writer = new();
    private const string ChromeUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private ServiceProvider _services = null!;
    private TrackingContextFactory _runtime = null!;
    private ServiceProvider _serverLegServices = null!;
    private TrackingContextFactory _serverLegRuntime = null!;
    private CapturingSink _sink = null!;
    private OaiqPixelTagHelper _pixel = null!;
    private StaticScriptTagHelper _static = null!;
    private ConversionEvent[] _conversions = [];

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(options => options.PixelId = "px_bench");
        _services = services.BuildServiceProvider();
        _runtime = _services.GetRequiredService<TrackingContextFactory>();
        var serverLeg = new ServiceCollection();
        serverLeg.AddLogging();
        serverLeg.AddOaiqTracking(options =>
        {
            options.PixelId = "px_bench";
            options.ConversionsApi.ApiKey = "sk-bench";
        });
        _sink = new CapturingSink(keepEvents: false);
        serverLeg.AddSingleton<OaiqPixel.AspNetCore.ConversionsApi.IConversionEventStore>(_sink);
        _serverLegServices = serverLeg.BuildServiceProvider();
        _serverLegRuntime = _serverLegServices.GetRequiredService<TrackingContextFactory>();
        _pixel = new OaiqPixelTagHelper();
        _static = new StaticScriptTagHelper();
        _conversions =
        [
            new(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD"), [new Content { Id = "sku-1", Name = "Shoes", Quantity = 1 }]), "order_42", DateTimeOffset.UnixEpoch),
            new(OaiqEvent.CheckoutStarted(new ContentsData { Amount = Money.FromMinorUnits(2599, "USD") }), "checkout_42", DateTimeOffset.UnixEpoch),
            new(OaiqEvent.ItemsAdded(new ContentsData { Amount = Money.FromMinorUnits(2599, "USD") }), "cart_42", DateTimeOffset.UnixEpoch),
        ];

        var html = Render();
        if (!html.Contains("page_viewed", StringComparison.Ordinal) || html.Split("\"measure\"").Length != 5)
        {
            throw new InvalidOperationException("The pixel did not render page_viewed and 3 conversions: " + html);
        }

        OaiqPixelPageViewAndThreeConversionsServerLegNavigation();
        if (_sink.Count != 1)
        {
            throw new InvalidOperationException("page_viewed's server copy was not handed to the sink.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _serverLegServices.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void StaticTagHelper()
    {
        var (viewContext, output) = NewRequest();
        _static.ViewContext = viewContext;
        _static.Process(s_context, output);
        output.WriteTo(_writer, HtmlEncoder.Default);
    }

    [Benchmark]
    public void OaiqPixelPageViewAndThreeConversions()
    {
        var (viewContext, output) = NewRequest();
        var tracking = _runtime.GetOrCreate(viewContext.HttpContext)!;
        for (var i = 0; i < _conversions.Length; i++)
        {
            tracking.Events.Add(_conversions[i]);
        }

        _pixel.ViewContext = viewContext;
        _pixel.Process(s_context, output);
        output.WriteTo(_writer, HtmlEncoder.Default);
    }

    [Benchmark]
    public void OaiqPixelPageViewAndThreeConversionsServerLegNavigation()
    {
        var (viewContext, output) = NewRequest(_serverLegServices);
        var headers = viewContext.HttpContext.Request.Headers;
        headers.UserAgent = ChromeUserAgent;
        headers["Sec-Fetch-Mode"] = "navigate";
        headers["Sec-Fetch-Dest"] = "document";
        var tracking = _serverLegRuntime.GetOrCreate(viewContext.HttpContext)!;
        for (var i = 0; i < _conversions.Length; i++)
        {
            tracking.Events.Add(_conversions[i]);
        }

        _pixel.ViewContext = viewContext;
        _pixel.Process(s_context, output);
        output.WriteTo(_writer, HtmlEncoder.Default);
    }

    private string Render()
    {
        var (viewContext, output) = NewRequest();
        var tracking = _runtime.GetOrCreate(viewContext.HttpContext)!;
        foreach (var conversion in _conversions)
        {
            tracking.Events.Add(conversion);
        }

        _pixel.ViewContext = viewContext;
        _pixel.Process(s_context, output);
        using var text = new StringWriter();
        output.WriteTo(text, HtmlEncoder.Default);
        return text.ToString();
    }

    private (ViewContext, TagHelperOutput) NewRequest(IServiceProvider? services = null)
    {
        var http = new DefaultHttpContext { RequestServices = services ?? _services };
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("shop.example");
        http.Request.Path = "/orders/42/confirmation";
        var viewContext = new ViewContext { HttpContext = http, RouteData = new RouteData(), ActionDescriptor = new ActionDescriptor() };
        var output = new TagHelperOutput("oaiq-pixel", [], static (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        return (viewContext, output);
    }

    private sealed class StaticScriptTagHelper : TagHelper
    {
        public ViewContext? ViewContext { get; set; }

        public override void Process(TagHelperContext context, TagHelperOutput output)
        {
            output.TagName = "script";
            output.TagMode = TagMode.StartTagAndEndTag;
            output.Content.SetHtmlContent(StaticScript);
        }
    }

    /// <summary>A writer that takes the characters and keeps nothing, like a response writer with a reused buffer.</summary>
    private sealed class NullTextWriter : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
        }

        public override void Write(char[] buffer, int index, int count)
        {
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
        }

        public override void Write(string? value)
        {
        }
    }
}
