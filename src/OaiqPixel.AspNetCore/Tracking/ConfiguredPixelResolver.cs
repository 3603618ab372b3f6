using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// The <see cref="IOaiqPixelResolver"/> when the app registers none: every request gets the configured pixels
/// (<see cref="OaiqTrackingOptions.PixelId"/>, then <see cref="OaiqTrackingOptions.Pixels"/>), and the server leg finds
/// their keys there, as configuration has them now (a reloaded key is used at once).
/// </summary>
internal sealed class ConfiguredPixelResolver(IOptionsMonitor<OaiqTrackingOptions> options) : IOaiqPixelResolver
{
    private (OaiqTrackingOptions Source, IReadOnlyList<OaiqPixelOptions> Pixels)? _cache;

    public IReadOnlyList<OaiqPixelOptions> GetPixels(HttpContext httpContext) => Current;

    public OaiqPixelOptions? FindPixel(string pixelId)
    {
        foreach (var pixel in Current)
        {
            if (string.Equals(pixel.PixelId, pixelId, StringComparison.Ordinal))
            {
                return pixel;
            }
        }

        return null;
    }

    /// <summary>The configured pixels, listed again only when the options change.</summary>
    private IReadOnlyList<OaiqPixelOptions> Current
    {
        get
        {
            var source = options.CurrentValue;
            if (_cache is { } cache && ReferenceEquals(cache.Source, source))
            {
                return cache.Pixels;
            }

            var pixels = source.ConfiguredPixels();
            _cache = (source, pixels);
            return pixels;
        }
    }
}
