using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's view of the pixels: a pixel's key and settings through the <see cref="IOaiqPixelResolver"/>, with the
/// shared <see cref="ConversionsApiOptions"/> filling what a pixel leaves unset, read again for every request (a reloaded
/// or rotated key is used at once); and the configured pixels an event not aimed at one pixel goes to outside a request.
/// </summary>
internal sealed class PixelDirectory(IOaiqPixelResolver resolver, IOptionsMonitor<OaiqTrackingOptions> options, ILogger<PixelDirectory> logger)
{
    /// <summary>A pixel's settings for a request, or <see langword="null"/> when the resolver does not know it (or throws, log 131).</summary>
    public ResolvedPixel? Find(string pixelId)
    {
        OaiqPixelOptions? pixel;
        try
        {
            pixel = resolver.FindPixel(pixelId);
        }
        catch (Exception ex)
        {
            ConversionsApiLog.PixelLookupFailed(logger, pixelId, ex);
            return null;
        }

        if (pixel is null)
        {
            return null;
        }

        var api = options.CurrentValue.ConversionsApi;
        var key = string.IsNullOrWhiteSpace(pixel.ApiKey) ? api.ApiKey : pixel.ApiKey;
        return new ResolvedPixel(
            pixelId,
            string.IsNullOrWhiteSpace(key) ? null : key,
            pixel.ValidateOnly ?? api.ValidateOnly,
            pixel.IntegrationSource ?? api.IntegrationSource);
    }

    /// <summary>The configured pixels (<c>PixelId</c>, then <c>Pixels</c>): where an event not aimed at one pixel goes outside a request.</summary>
    public IReadOnlyList<string> ConfiguredPixelIds() => [.. options.CurrentValue.ConfiguredPixels().Select(static p => p.PixelId!)];
}
