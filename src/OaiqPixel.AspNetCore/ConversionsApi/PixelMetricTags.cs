using System.Collections.Concurrent;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The <c>oaiq.pixel</c> metric attribute with bounded cardinality: each Pixel ID is its own value up to
/// <see cref="MaxDistinct"/> pixels (the configured ones first, then first come), every later one is <see cref="Other"/>,
/// so a multi-tenant app with thousands of pixels cannot blow up a metrics backend.
/// </summary>
internal sealed class PixelMetricTags
{
    /// <summary>The most pixels that get their own attribute value.</summary>
    public const int MaxDistinct = 32;

    /// <summary>The value of every pixel past the cap.</summary>
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, string> _tags = new(StringComparer.Ordinal);
    private int _count;

    public PixelMetricTags(Microsoft.Extensions.Options.IOptions<OaiqTrackingOptions> options)
    {
        foreach (var pixelId in options.Value.ConfiguredPixels().Select(static p => p.PixelId!))
        {
            _ = Tag(pixelId);
        }
    }

    /// <summary>The attribute value of <paramref name="pixelId"/>.</summary>
    public string Tag(string pixelId)
    {
        if (_tags.TryGetValue(pixelId, out var tag))
        {
            return tag;
        }

        if (Interlocked.Increment(ref _count) > MaxDistinct)
        {
            Interlocked.Decrement(ref _count);
            return Other;
        }

        return _tags.GetOrAdd(pixelId, pixelId);
    }
}
