namespace OaiqPixel.AspNetCore.Verification;

/// <summary>The two ways an event reaches OpenAI, as the events stream names them in <c>api_channel</c> (spec §4.10).</summary>
public enum OaiqVerificationLeg
{
    /// <summary>The browser pixel (<c>api_channel</c> <c>pixel_sdk</c>): what this app rendered into its pages.</summary>
    Pixel = 0,

    /// <summary>The Conversions API (<c>api_channel</c> <c>server_to_server</c>): what this app's server leg delivered.</summary>
    Server = 1,
}
