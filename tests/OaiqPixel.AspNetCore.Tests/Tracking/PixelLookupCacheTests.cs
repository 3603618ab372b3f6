using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Tests.Tracking;

/// <summary>
/// The request's pixels and a pixel's key are looked up for every request and event; the last answer is kept, and a
/// changed answer must still be seen at once: a rotated key (even one changed in place on the resolver's own object) is
/// used by the next event, and a request whose resolver names another pixel gets that pixel.
/// </summary>
public sealed class PixelLookupCacheTests
{
    [Fact]
    public void PixelKeyChangedInPlace_IsUsedByTheNextEvent()
    {
        // Arrange: a resolver that hands out the same object every time and rotates the key on it.
        var pixel = new OaiqPixelOptions { PixelId = "px_tenant", ApiKey = "sk-svcacct-old" };
        var directory = new PixelDirectory(new FixedResolver(pixel), Monitor(new OaiqTrackingOptions()), NullLogger<PixelDirectory>.Instance);
        Assert.Equal("sk-svcacct-old", directory.Find("px_tenant")?.ApiKey);

        // Act
        pixel.ApiKey = "sk-svcacct-new";
        pixel.ValidateOnly = true;

        // Assert
        var found = directory.Find("px_tenant")!.Value;
        Assert.Equal("sk-svcacct-new", found.ApiKey);
        Assert.True(found.ValidateOnly);
    }

    [Fact]
    public void SharedKeyChangedInPlace_IsUsedByTheNextEvent()
    {
        var options = new OaiqTrackingOptions();
        options.ConversionsApi.ApiKey = "sk-svcacct-shared-old";
        var directory = new PixelDirectory(new FixedResolver(new OaiqPixelOptions { PixelId = "px_a" }), Monitor(options), NullLogger<PixelDirectory>.Instance);
        Assert.Equal("sk-svcacct-shared-old", directory.Find("px_a")?.ApiKey);

        options.ConversionsApi.ApiKey = "sk-svcacct-shared-new";
        options.ConversionsApi.IntegrationSource = "shop-v2";

        var found = directory.Find("px_a")!.Value;
        Assert.Equal("sk-svcacct-shared-new", found.ApiKey);
        Assert.Equal("shop-v2", found.IntegrationSource);
    }

    [Fact]
    public void AnotherPixel_GetsItsOwnSettings()
    {
        var resolver = new FixedResolver(new OaiqPixelOptions { PixelId = "px_a", ApiKey = "sk-svcacct-a" }, new OaiqPixelOptions { PixelId = "px_b", ApiKey = "sk-svcacct-b" });
        var directory = new PixelDirectory(resolver, Monitor(new OaiqTrackingOptions()), NullLogger<PixelDirectory>.Instance);

        Assert.Equal("sk-svcacct-a", directory.Find("px_a")?.ApiKey);
        Assert.Equal("sk-svcacct-b", directory.Find("px_b")?.ApiKey);
        Assert.Equal("px_a", directory.Find("px_a")?.PixelId);
        Assert.Null(directory.Find("px_unknown"));
    }

    [Fact]
    public void RequestPixels_ANewSinglePixel_IsThatPixel_AndAnUnusableOneIsNone()
    {
        // Arrange: one resolver whose answer changes from request to request, one pixel each time.
        var resolver = new FixedResolver(new OaiqPixelOptions { PixelId = "px_a" });
        var pixels = new RequestPixels(resolver, NullLogger<RequestPixels>.Instance);
        var request = new DefaultHttpContext();

        // Act / Assert
        Assert.Equal(["px_a"], pixels.Resolve(request));
        Assert.Equal(["px_a"], pixels.Resolve(request));
        resolver.Pixels = [new OaiqPixelOptions { PixelId = "px_b" }];
        Assert.Equal(["px_b"], pixels.Resolve(request));
        resolver.Pixels = [new OaiqPixelOptions { PixelId = "px a" }];
        Assert.Empty(pixels.Resolve(request));
        resolver.Pixels = [new OaiqPixelOptions { PixelId = " px_c " }];
        Assert.Equal(["px_c"], pixels.Resolve(request));
    }

    private static IOptionsMonitor<OaiqTrackingOptions> Monitor(OaiqTrackingOptions options) => new StaticMonitor(options);

    private sealed class FixedResolver(params OaiqPixelOptions[] pixels) : IOaiqPixelResolver
    {
        public IReadOnlyList<OaiqPixelOptions> Pixels { get; set; } = pixels;

        public IReadOnlyList<OaiqPixelOptions> GetPixels(HttpContext httpContext) => Pixels;

        public OaiqPixelOptions? FindPixel(string pixelId) => Pixels.FirstOrDefault(p => p.PixelId == pixelId);
    }

    private sealed class StaticMonitor(OaiqTrackingOptions value) : IOptionsMonitor<OaiqTrackingOptions>
    {
        public OaiqTrackingOptions CurrentValue => value;

        public OaiqTrackingOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OaiqTrackingOptions, string?> listener) => null;
    }
}
