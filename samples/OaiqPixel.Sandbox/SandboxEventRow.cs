namespace OaiqPixel.Sandbox;

/// <summary>One event id with both legs side by side, as listed on the /oaiq page.</summary>
/// <param name="Id">The event id shared by both legs.</param>
/// <param name="BrowserName">The name the pixel measured (<c>custom:name</c> for custom events), if it fired.</param>
/// <param name="ServerName">The name the Conversions API received, if it arrived.</param>
/// <param name="BrowserCount">How often the pixel fired it (dropped calls excluded).</param>
/// <param name="ServerCount">How often the API received it.</param>
/// <param name="Oppref">The server leg's <c>oppref</c>.</param>
/// <param name="Path">The page the browser leg fired on.</param>
/// <param name="Problems">What is wrong: one leg only, a name mismatch, a duplicate.</param>
/// <param name="LastSeen">When either leg was last seen.</param>
/// <param name="PixelId">The pixel both legs are for (each pixel deduplicates its own pair, spec §5).</param>
public sealed record SandboxEventRow(
    string Id,
    string? BrowserName,
    string? ServerName,
    int BrowserCount,
    int ServerCount,
    string? Oppref,
    string? Path,
    IReadOnlyList<string> Problems,
    DateTimeOffset LastSeen,
    string? PixelId = null);
