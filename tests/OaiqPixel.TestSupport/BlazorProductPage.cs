using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.TestSupport;

/// <summary>
/// One product page laid out as a Blazor Web App's <c>App.razor</c>, for Blazor's static renderer: the <c>&lt;head&gt;</c>
/// with a pixel component when asked, then the body in a component of its own, as <c>&lt;Routes /&gt;</c> renders the
/// routed page (so an event in it is recorded after the pixel rendered, as in an app), with an event component when
/// asked. The Blazor benchmarks and the allocation test render this one page: what one measures, the other asserts.
/// </summary>
public sealed class BlazorProductPage : IComponent
{
    private RenderHandle _handle;

    /// <summary>The request's address (its navigation manager, <see cref="ProductNavigationManager"/>, agrees).</summary>
    public const string Url = "https://shop.example/products/sku-1";

    /// <summary>
    /// A fresh request for the page, as a person's browser navigates to it, made current for the app's
    /// <see cref="IHttpContextAccessor"/> (where Blazor's server rendering and <c>IConversionTracker</c> find it).
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="endpoint">The endpoint the request is routed to, or <see langword="null"/>.</param>
    public static HttpContext NewRequest(IServiceProvider services, Endpoint? endpoint = null)
    {
        var httpContext = new DefaultHttpContext { RequestServices = services };
        httpContext.Request.Scheme = "https";
        httpContext.Request.Host = new HostString("shop.example");
        httpContext.Request.Path = "/products/sku-1";
        httpContext.Request.Headers.UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        httpContext.Request.Headers["Sec-Fetch-Mode"] = "navigate";
        httpContext.Request.Headers["Sec-Fetch-Dest"] = "document";
        if (endpoint is not null)
        {
            httpContext.SetEndpoint(endpoint);
        }

        services.GetRequiredService<IHttpContextAccessor>().HttpContext = httpContext;
        return httpContext;
    }

    /// <summary>The page's parameters for <c>HtmlRenderer.RenderComponentAsync&lt;BlazorProductPage&gt;</c>.</summary>
    /// <param name="httpContext">The request (<see cref="NewRequest"/>), cascaded as Blazor's endpoint does.</param>
    /// <param name="pixel">The component in the <c>&lt;head&gt;</c> (<c>OaiqPixel</c> or a stand-in), or <see langword="null"/> for none.</param>
    /// <param name="conversionEvent">The event component in the body (<c>OaiqEvent</c> or a stand-in with its parameters), or <see langword="null"/> for none.</param>
    public static ParameterView Parameters(HttpContext httpContext, Type? pixel, Type? conversionEvent) =>
        ParameterView.FromDictionary(new Dictionary<string, object?> { ["HttpContext"] = httpContext, ["Pixel"] = pixel, ["Event"] = conversionEvent });

    /// <inheritdoc />
    public void Attach(RenderHandle renderHandle) => _handle = renderHandle;

    /// <inheritdoc />
    public Task SetParametersAsync(ParameterView parameters)
    {
        var httpContext = parameters.GetValueOrDefault<HttpContext>("HttpContext")!;
        var pixel = parameters.GetValueOrDefault<Type>("Pixel");
        var conversionEvent = parameters.GetValueOrDefault<Type>("Event");
        _handle.Render(builder =>
        {
            builder.OpenComponent<CascadingValue<HttpContext>>(0);
            builder.AddComponentParameter(1, "Value", httpContext);
            builder.AddComponentParameter(2, "ChildContent", (RenderFragment)(b => Head(b, pixel, conversionEvent)));
            builder.CloseComponent();
        });
        return Task.CompletedTask;
    }

    private static void Head(RenderTreeBuilder builder, Type? pixel, Type? conversionEvent)
    {
        builder.AddMarkupContent(0, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><base href=\"/\">");
        if (pixel is not null)
        {
            builder.OpenComponent(1, pixel);
            builder.CloseComponent();
        }

        builder.AddMarkupContent(2, "<title>Trail running shoes</title></head>");
        builder.OpenComponent<Body>(3);
        builder.AddComponentParameter(4, "Event", conversionEvent);
        builder.CloseComponent();
        builder.AddMarkupContent(5, "</html>");
    }

    /// <summary>The routed page's body: a heading, a price, the event when asked and 20 paragraphs.</summary>
    private sealed class Body : IComponent
    {
        private RenderHandle _handle;

        public void Attach(RenderHandle renderHandle) => _handle = renderHandle;

        public Task SetParametersAsync(ParameterView parameters)
        {
            var conversionEvent = parameters.GetValueOrDefault<Type>("Event");
            _handle.Render(builder =>
            {
                builder.AddMarkupContent(0, "<body><h1>Trail running shoes</h1><p>89.99 USD</p>");
                if (conversionEvent is not null)
                {
                    builder.OpenComponent(1, conversionEvent);
                    builder.AddComponentParameter(2, "Name", "contents_viewed");
                    builder.AddComponentParameter(3, "ContentId", "sku-1");
                    builder.AddComponentParameter(4, "Amount", 89.99m);
                    builder.AddComponentParameter(5, "Currency", "USD");
                    builder.CloseComponent();
                }

                for (var i = 0; i < 20; i++)
                {
                    builder.AddMarkupContent(6, "<p>Light, grippy and made for long runs on rough ground; a breathable upper and a cushioned sole.</p>");
                }

                builder.AddMarkupContent(7, "</body>");
            });
            return Task.CompletedTask;
        }
    }
}
