using System.Net;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// What an interactive circuit knows about its visitor, captured from the request that rendered the page (a circuit has no
/// request of its own): the click (<c>oppref</c>), the pixel's browser reference (<c>obref</c>), consent, the client's IP
/// address and user agent, and whether views of this visitor reach the Conversions API.
/// </summary>
/// <param name="Oppref">The click the page's events carried, or <see langword="null"/>.</param>
/// <param name="Obref">The usable <c>__obref</c>, or <see langword="null"/>.</param>
/// <param name="Consent">The visitor's consent when the page rendered.</param>
/// <param name="IpAddress">The client address as text, or <see langword="null"/>.</param>
/// <param name="UserAgent">The <c>User-Agent</c>, or <see langword="null"/>.</param>
/// <param name="ViewSkipReason">Why views of this visitor keep to the browser (a bot), or <see langword="null"/>.</param>
internal sealed record VisitorContext(string? Oppref, string? Obref, OaiqConsent Consent, string? IpAddress, string? UserAgent, string? ViewSkipReason)
{
    /// <summary>The page's Pixel IDs: an event not aimed at one pixel goes to each (empty: the configured pixels).</summary>
    public IReadOnlyList<string> PixelIds { get; init; } = [];

    /// <summary>The request part of the server leg's <c>user</c> (spec §4.6).</summary>
    public UserData RequestUser => UserData.FromRequest(Obref, IPAddress.TryParse(IpAddress, out var ip) ? ip : null, UserAgent);
}
