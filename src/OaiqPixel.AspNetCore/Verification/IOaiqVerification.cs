namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// The latest results of the production verification (<c>AddOaiqTracking(…).AddVerification()</c>): one entry per checked
/// pixel, read from OpenAI's events stream and compared with what this app rendered and delivered (spec §4.10). Resolve it
/// from the container; it is registered only when verification is.
/// </summary>
public interface IOaiqVerification
{
    /// <summary>The latest result of each pixel, ordered by Pixel ID: a snapshot that later checks do not change. Thread-safe.</summary>
    IReadOnlyList<OaiqPixelVerification> Latest { get; }
}
