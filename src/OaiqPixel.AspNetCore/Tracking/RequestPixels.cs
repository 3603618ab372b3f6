using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Asks the <see cref="IOaiqPixelResolver"/> for a request's pixels and keeps what is usable: trimmed ids that are Pixel
/// IDs (others logged, log 81), each once, in the resolver's order. A resolver that throws gives no pixels (log 80), so
/// tracking is off for that request rather than the page failing.
/// </summary>
internal sealed class RequestPixels(IOaiqPixelResolver resolver, ILogger<RequestPixels> logger)
{
    // Shared by every request that gets the same single pixel; never changed once made (callers only read it).
    private string[]? _lastSingle;

    /// <summary>The request's Pixel IDs; empty when tracking is off for it.</summary>
    public IReadOnlyList<string> Resolve(HttpContext httpContext)
    {
        IReadOnlyList<OaiqPixelOptions>? pixels;
        try
        {
            pixels = resolver.GetPixels(httpContext);
        }
        catch (Exception ex)
        {
            Log.PixelResolverFailed(logger, resolver.GetType().Name, ex);
            return [];
        }

        if (pixels is null || pixels.Count == 0)
        {
            return [];
        }

        if (pixels.Count == 1 && pixels[0]?.PixelId is { } single)
        {
            // The common case, one pixel already in shape: the same id string as the last request's is the same answer,
            // checked and listed once.
            if (Volatile.Read(ref _lastSingle) is { } last && ReferenceEquals(last[0], single))
            {
                return last;
            }

            if (OaiqPixelOptions.IsValidPixelId(single))
            {
                string[] singleIds = [single];
                Volatile.Write(ref _lastSingle, singleIds);
                return singleIds;
            }
        }

        var ids = new List<string>(pixels.Count);
        for (var i = 0; i < pixels.Count; i++)
        {
            var id = pixels[i]?.PixelId?.Trim();
            if (!OaiqPixelOptions.IsValidPixelId(id))
            {
                Log.PixelIdUnusable(logger, resolver.GetType().Name, i);
                continue;
            }

            if (!ids.Contains(id!))
            {
                ids.Add(id!);
            }
        }

        return ids;
    }
}
