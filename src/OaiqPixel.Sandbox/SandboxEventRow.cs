namespace OaiqPixel.Sandbox;

/// <summary>One event id with both legs side by side, as listed on the /oaiq page.</summary>
/// <param name="id">The event id shared by both legs.</param>
/// <param name="browserName">The name the pixel measured (<c>custom:name</c> for custom events), if it fired.</param>
/// <param name="serverName">The name the Conversions API received, if it arrived.</param>
/// <param name="browserCount">How often the pixel fired it (dropped calls excluded).</param>
/// <param name="serverCount">How often the API received it.</param>
/// <param name="oppref">The server leg's <c>oppref</c>.</param>
/// <param name="path">The page the browser leg fired on.</param>
/// <param name="problems">What is wrong: one leg only, a name mismatch, a duplicate.</param>
/// <param name="lastSeen">When either leg was last seen.</param>
/// <param name="matchKeys">The match keys its server leg carried, by name (empty without a server leg).</param>
/// <param name="pixelId">The pixel both legs are for (each pixel deduplicates its own pair, spec §5).</param>
public sealed class SandboxEventRow(
    string id,
    string? browserName,
    string? serverName,
    int browserCount,
    int serverCount,
    string? oppref,
    string? path,
    IReadOnlyList<string> problems,
    DateTimeOffset lastSeen,
    string? pixelId = null,
    IReadOnlyList<string>? matchKeys = null)
{
    /// <summary>The event id shared by both legs.</summary>
    public string Id { get; } = id;

    /// <summary>The name the pixel measured (<c>custom:name</c> for custom events), if it fired.</summary>
    public string? BrowserName { get; } = browserName;

    /// <summary>The name the Conversions API received, if it arrived.</summary>
    public string? ServerName { get; } = serverName;

    /// <summary>How often the pixel fired it (dropped calls excluded).</summary>
    public int BrowserCount { get; } = browserCount;

    /// <summary>How often the API received it.</summary>
    public int ServerCount { get; } = serverCount;

    /// <summary>The server leg's <c>oppref</c>.</summary>
    public string? Oppref { get; } = oppref;

    /// <summary>The page the browser leg fired on.</summary>
    public string? Path { get; } = path;

    /// <summary>What is wrong: one leg only, a name mismatch, a duplicate.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>When either leg was last seen.</summary>
    public DateTimeOffset LastSeen { get; } = lastSeen;

    /// <summary>The pixel both legs are for (each pixel deduplicates its own pair, spec §5).</summary>
    public string? PixelId { get; } = pixelId;

    /// <summary>The match keys its server leg carried, by name (never their values); empty without a server leg.</summary>
    public IReadOnlyList<string> MatchKeys { get; } = matchKeys ?? [];
}
