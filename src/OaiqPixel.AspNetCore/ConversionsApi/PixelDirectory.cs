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

    // A reference swapped whole, so a concurrent reader never pairs one options instance with another's list.
    private Tuple<OaiqTrackingOptions, string[]>? _configured;

    /// <summary>
    /// The configured pixels (<c>PixelId</c>, then <c>Pixels</c>): where an event not aimed at one pixel goes outside a
    /// request. Listed again only when the options change: it is asked for every such event.
    /// </summary>
    public IReadOnlyList<string> ConfiguredPixelIds()
    {
        var source = options.CurrentValue;
        if (Volatile.Read(ref _configured) is { } configured && ReferenceEquals(configured.Item1, source))
        {
            return configured.Item2;
        }

        string[] pixelIds = [.. source.ConfiguredPixels().Select(static p => p.PixelId!)];
        Volatile.Write(ref _configured, Tuple.Create(source, pixelIds));
        return pixelIds;
    }
}
