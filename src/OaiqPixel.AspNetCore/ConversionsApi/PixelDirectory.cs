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
        if (Volatile.Read(ref _last) is { } last && last.Matches(pixelId, pixel, api))
        {
            // The same settings as the last event's (most events of a site go to one pixel): the same answer. Values are
            // compared, not only the objects, so a key changed in place is used at once too.
            return last.Resolved;
        }

        var key = string.IsNullOrWhiteSpace(pixel.ApiKey) ? api.ApiKey : pixel.ApiKey;
        var resolved = new ResolvedPixel(
            pixelId,
            string.IsNullOrWhiteSpace(key) ? null : key,
            pixel.ValidateOnly ?? api.ValidateOnly,
            pixel.IntegrationSource ?? api.IntegrationSource);
        Volatile.Write(ref _last, new LastFound(pixel.ApiKey, pixel.ValidateOnly, pixel.IntegrationSource, api.ApiKey, api.ValidateOnly, api.IntegrationSource, resolved));
        return resolved;
    }

    // The last answer, swapped whole so a concurrent reader never sees half of one.
    private LastFound? _last;

    private sealed record LastFound(string? PixelKey, bool? PixelValidateOnly, string? PixelSource, string? Key, bool ValidateOnly, string? Source, ResolvedPixel Resolved)
    {
        public bool Matches(string pixelId, OaiqPixelOptions pixel, ConversionsApiOptions api) =>
            string.Equals(Resolved.PixelId, pixelId, StringComparison.Ordinal)
            && string.Equals(PixelKey, pixel.ApiKey, StringComparison.Ordinal)
            && PixelValidateOnly == pixel.ValidateOnly
            && string.Equals(PixelSource, pixel.IntegrationSource, StringComparison.Ordinal)
            && string.Equals(Key, api.ApiKey, StringComparison.Ordinal)
            && ValidateOnly == api.ValidateOnly
            && string.Equals(Source, api.IntegrationSource, StringComparison.Ordinal);
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
