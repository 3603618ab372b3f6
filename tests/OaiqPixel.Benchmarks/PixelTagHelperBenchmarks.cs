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
using OaiqPixel.AspNetCore.Internal;
using OaiqPixel.AspNetCore.TagHelpers;

/// <summary>
/// Rendering <c>&lt;oaiq-pixel /&gt;</c> with one recorded conversion (loader, init, page_viewed, one measure) against
/// a tag helper that writes a constant script. Both build a fresh request and output per operation.
/// </summary>
[MemoryDiagnoser]
public class PixelTagHelperBenchmarks
{
    private const string StaticScript = "(function(w,d,s,u){if(w.oaiq)return;})(window,document,\"script\",\"https://bzrcdn.openai.com/sdk/oaiq.min.js\");oaiq(\"init\",{\"pixelId\":\"px_bench\"});";

    private static readonly TagHelperContext s_context = new("oaiq-pixel", [], new Dictionary<object, object>(), "id");

    private ServiceProvider _services = null!;
    private OaiqTrackingRuntime _runtime = null!;
    private OaiqPixelTagHelper _pixel = null!;
    private StaticScriptTagHelper _static = null!;
    private OaiqEvent _order = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(options => options.PixelId = "px_bench");
        _services = services.BuildServiceProvider();
        _runtime = _services.GetRequiredService<OaiqTrackingRuntime>();
        _pixel = new OaiqPixelTagHelper(HtmlEncoder.Default, NullLogger<OaiqPixelTagHelper>.Instance);
        _static = new StaticScriptTagHelper();
        _order = OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD"), [new Content { Id = "sku-1", Name = "Shoes", Quantity = 1 }]);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public string StaticTagHelper()
    {
        var (viewContext, output) = NewRequest();
        _static.ViewContext = viewContext;
        _static.Process(s_context, output);
        return output.TagName!;
    }

    [Benchmark]
    public string OaiqPixelWithOneConversion()
    {
        var (viewContext, output) = NewRequest();
        var tracking = _runtime.GetOrCreate(viewContext.HttpContext)!;
        tracking.Record(new ConversionEvent(_order, "order_42", DateTimeOffset.UnixEpoch));
        _pixel.ViewContext = viewContext;
        _pixel.Process(s_context, output);
        return output.TagName!;
    }

    private (ViewContext, TagHelperOutput) NewRequest()
    {
        var http = new DefaultHttpContext { RequestServices = _services };
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
}
