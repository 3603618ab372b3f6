namespace OaiqPixel.AspNetCore;

/// <summary>
/// One Pixel ID with its Conversions API key and settings: an item of <see cref="OaiqTrackingOptions.Pixels"/> (bound from
/// <c>Oaiq:Pixels:0</c>, <c>Oaiq:Pixels:1</c>, …) or what an <see cref="IOaiqPixelResolver"/> returns for a request.
/// </summary>
/// <remarks>
/// Several pixels on one page follow the SDK's rules for multiple Pixel IDs (spec §1.7): the loader once, <c>init</c> for
/// each pixel, <c>measure</c> for every pixel and <c>measureSingle</c> for one. On the server leg each pixel has its own
/// requests (<c>pid</c> in the URL, spec §4.1) with its own key, back-off, queue and health.
/// </remarks>
public sealed class OaiqPixelOptions
{
    /// <summary>
    /// The Pixel ID from Ads Manager: at most 128 characters, without white space or control characters. Required; the
    /// pixel's <c>init</c> and the Conversions API <c>pid</c> (spec §1.3, §4.1).
    /// </summary>
    public string? PixelId { get; set; }

    /// <summary>
    /// This pixel's Conversions API key (a conversion key from Ads Manager, spec §4.9). Never rendered or logged. The
    /// default is none: <see cref="ConversionsApi.ConversionsApiOptions.ApiKey"/> applies, and without either this pixel
    /// has no server leg (its events stay in the browser).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Sends this pixel's requests with <c>validate_only: true</c> (spec §4.1, §4.10). The default is none:
    /// <see cref="ConversionsApi.ConversionsApiOptions.ValidateOnly"/> applies.
    /// </summary>
    public bool? ValidateOnly { get; set; }

    /// <summary>
    /// The <c>integration_source</c> of this pixel's requests (spec §4.1: 1–64 ASCII characters, a letter or digit first,
    /// then letters, digits, <c>.</c>, <c>_</c> or <c>-</c>). The default is none:
    /// <see cref="ConversionsApi.ConversionsApiOptions.IntegrationSource"/> applies.
    /// </summary>
    public string? IntegrationSource { get; set; }

    /// <summary>Whether <paramref name="pixelId"/> is usable as a Pixel ID: 1–128 characters, no white space or control characters.</summary>
    internal static bool IsValidPixelId(string? pixelId) =>
        pixelId is { Length: > 0 and <= 128 } && !pixelId.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c));
}
