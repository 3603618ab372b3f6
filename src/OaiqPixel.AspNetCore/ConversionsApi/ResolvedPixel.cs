namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// What one Conversions API request of a pixel is sent with: its <c>pid</c>, key and body settings (spec §4.1). A value,
/// so looking it up for every event allocates nothing.
/// </summary>
/// <param name="PixelId">The <c>pid</c>.</param>
/// <param name="ApiKey">The bearer key, or <see langword="null"/> when none is configured (the pixel has no server leg).</param>
/// <param name="ValidateOnly">The body's <c>validate_only</c>.</param>
/// <param name="IntegrationSource">The body's <c>integration_source</c>, or <see langword="null"/>.</param>
internal readonly record struct ResolvedPixel(string PixelId, string? ApiKey, bool ValidateOnly, string? IntegrationSource)
{
    /// <summary>Never prints the key.</summary>
    public override string ToString() => $"ResolvedPixel {{ PixelId = {PixelId}, ApiKey = {(ApiKey is null ? "none" : "***")}, ValidateOnly = {ValidateOnly}, IntegrationSource = {IntegrationSource} }}";
}
