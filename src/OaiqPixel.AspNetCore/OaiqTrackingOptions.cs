namespace OaiqPixel.AspNetCore;

/// <summary>Settings of OpenAI Ads tracking, bound from the <c>Oaiq</c> configuration section.</summary>
public sealed class OaiqTrackingOptions
{
    /// <summary>The configuration section these options are bound from by default.</summary>
    public const string SectionName = "Oaiq";

    /// <summary>
    /// Switches tracking fully on or off: when <see langword="false"/> the middleware does nothing, tag helpers render
    /// nothing and no event is sent. The default is <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The Pixel ID from Ads Manager, used by the pixel's <c>init</c> and as the Conversions API <c>pid</c>. Required when <see cref="Enabled"/>.</summary>
    public string? PixelId { get; set; }

    /// <summary>The server leg (Conversions API) settings, bound from <c>Oaiq:ConversionsApi</c>.</summary>
    public ConversionsApiOptions ConversionsApi { get; set; } = new();
}
