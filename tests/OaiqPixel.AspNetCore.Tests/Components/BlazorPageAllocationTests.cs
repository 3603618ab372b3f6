using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OaiqPixel.AspNetCore.Tests.Components;

/// <summary>
/// Issue 21: a Blazor page whose <c>&lt;OaiqPixel /&gt;</c> and <c>&lt;OaiqEvent /&gt;</c> record nothing (tracking off,
/// or the endpoint opted out) costs what the same page costs with two components that do nothing: the library allocates
/// nothing for it. Bytes are counted on the rendering thread (Blazor's static renderer runs the page there), which is
/// deterministic once the page has been rendered a few times.
/// </summary>
public sealed class BlazorPageAllocationTests
{
    // An app's endpoints (and their metadata, which caches lookups) are made once, not per request.
    private static readonly Endpoint OptedOut = new(null, new EndpointMetadataCollection(new DisableOaiqTrackingAttribute()), "opted out");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PageThatRecordsNothing_AllocatesNothingMoreThanTwoComponentsThatDoNothing(bool optedOut)
    {
        // Arrange: tracking off for the app, or on with the endpoint opted out.
        await using var app = Build(enabled: optedOut);
        await using var renderer = new HtmlRenderer(app.Services, NullLoggerFactory.Instance);

        // Act
        var withComponents = await BytesPerPageAsync(app, renderer, stubs: false, optedOut);
        var withStubs = await BytesPerPageAsync(app, renderer, stubs: true, optedOut);

        // Assert: nothing rendered, and nothing allocated beyond the two component instances, which Blazor's cost for a
        // component type differs by (their fields).
        Assert.DoesNotContain("<script", await RenderAsync(app, renderer, stubs: false, optedOut), StringComparison.Ordinal);
        var instances = InstanceBytes<global::OaiqPixel.AspNetCore.Components.OaiqPixel>() - InstanceBytes<StubPixel>()
            + InstanceBytes<global::OaiqPixel.AspNetCore.Components.OaiqEvent>() - InstanceBytes<StubEvent>();
        Assert.Equal(withStubs + instances, withComponents);
    }

    private static long InstanceBytes<T>()
    {
        RuntimeHelpers.GetUninitializedObject(typeof(T));
        var before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(RuntimeHelpers.GetUninitializedObject(typeof(T)));
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static WebApplication Build(bool enabled)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddSingleton<NavigationManager, ProductNavigationManager>();
        builder.Services.AddOaiqTracking(options =>
        {
            options.Enabled = enabled;
            options.PixelId = "px_alloc";
        });
        return builder.Build();
    }

    private static async Task<long> BytesPerPageAsync(WebApplication app, HtmlRenderer renderer, bool stubs, bool optedOut)
    {
        const int Pages = 50;
        for (var i = 0; i < Pages; i++)
        {
            await RenderAsync(app, renderer, stubs, optedOut);
        }

        var fewest = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Pages; i++)
            {
                RenderOnThisThread(app, renderer, stubs, optedOut);
            }

            fewest = Math.Min(fewest, (GC.GetAllocatedBytesForCurrentThread() - before) / Pages);
        }

        return fewest;
    }

    private static Task<string> RenderAsync(WebApplication app, HtmlRenderer renderer, bool stubs, bool optedOut) =>
        Task.FromResult(RenderOnThisThread(app, renderer, stubs, optedOut));

    // The renderer's dispatcher runs the page inline on the calling thread when it is free, so every byte is counted here.
    // The page is the Blazor benchmarks' own (BlazorProductPage), with the library's components or the stand-ins.
    private static string RenderOnThisThread(WebApplication app, HtmlRenderer renderer, bool stubs, bool optedOut)
    {
        var httpContext = BlazorProductPage.NewRequest(app.Services, optedOut ? OptedOut : null);
        var parameters = stubs
            ? BlazorProductPage.Parameters(httpContext, typeof(StubPixel), typeof(StubEvent))
            : BlazorProductPage.Parameters(httpContext, typeof(global::OaiqPixel.AspNetCore.Components.OaiqPixel), typeof(global::OaiqPixel.AspNetCore.Components.OaiqEvent));
        return renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<BlazorProductPage>(parameters)).ToHtmlString()).GetAwaiter().GetResult();
    }

    /// <summary>A component with the pixel's parameters and services that does nothing.</summary>
    [StreamRendering]
    private sealed class StubPixel : ComponentBase, IDisposable
    {
        [Parameter]
        public string? Nonce { get; set; }

        [Parameter]
        public UserData? User { get; set; }

        [Parameter]
        public ContentsData? PageData { get; set; }

        [Parameter]
        public bool? PageView { get; set; }

        [CascadingParameter]
        private HttpContext? HttpContext { get; set; }

        [Inject]
        private IServiceProvider Services { get; set; } = default!;

        [Inject]
        private NavigationManager Navigation { get; set; } = default!;

        public void Dispose()
        {
        }
    }

    /// <summary>A component with the event's parameters and services that does nothing.</summary>
    private sealed class StubEvent : ComponentBase
    {
        [Parameter]
        public string? Name { get; set; }

        [Parameter]
        public string? ContentId { get; set; }

        [Parameter]
        public object? Amount { get; set; }

        [Parameter]
        public string? Currency { get; set; }

        [CascadingParameter]
        private HttpContext? HttpContext { get; set; }

        [Inject]
        private IServiceProvider Services { get; set; } = default!;

        [Inject]
        private NavigationManager Navigation { get; set; } = default!;
    }
}
