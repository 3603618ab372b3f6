using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.ServerViews;

/// <summary>
/// Decides whether a person sees the page a request loads, for the server copy of its view events
/// (<see cref="OaiqServerViewOptions"/>): not a prefetch, a browser navigation, not a bot.
/// </summary>
internal static class ServerViewFilter
{
    /// <summary>Whether the event is a view: its server copy is sent only for a load a person sees.</summary>
    public static bool IsViewEvent(string eventName) =>
        eventName is OaiqEventNames.PageViewed or OaiqEventNames.ContentsViewed;

    /// <summary>
    /// Why no person sees this load (a <see cref="DropReason"/>: <c>prefetch</c>, <c>not_navigation</c> or <c>bot</c>), or
    /// <see langword="null"/> when a person does. The checks run cheapest first, so the user agent is only matched for a
    /// navigation (with <see cref="OaiqServerViewOptions.RequireNavigation"/>).
    /// </summary>
    public static string? GetSkipReason(HttpRequest request, OaiqServerViewOptions options)
    {
        var headers = request.Headers;

        // Speculative loads announce themselves: Sec-Purpose (Fetch spec: "prefetch", "prefetch;prerender"), Purpose
        // (older Chrome), X-Moz (Firefox), X-Purpose: preview (Safari's previews). A prerendered page the visitor opens
        // measures its views in the browser on activation (the pixel script waits for it).
        if (Contains(headers, "Sec-Purpose", "prefetch")
            || Contains(headers, "Purpose", "prefetch")
            || Contains(headers, "X-Moz", "prefetch")
            || Contains(headers, "X-Purpose", "preview"))
        {
            return DropReason.Prefetch;
        }

        if (options.RequireNavigation && !IsNavigation(headers) && !IsBlazorEnhancedNavigation(headers))
        {
            return DropReason.NotNavigation;
        }

        if (options.ExcludeBots && BotUserAgents.IsBot(headers.UserAgent.ToString()))
        {
            return DropReason.Bot;
        }

        return null;
    }

    /// <summary>
    /// A navigation per Fetch Metadata (W3C Fetch Metadata Request Headers): <c>Sec-Fetch-Mode: navigate</c> into a
    /// document or a frame. Browsers set these headers themselves; page scripts cannot.
    /// </summary>
    private static bool IsNavigation(IHeaderDictionary headers) =>
        headers.TryGetValue("Sec-Fetch-Mode", out var mode) && mode.Count == 1 && string.Equals(mode[0], "navigate", StringComparison.OrdinalIgnoreCase)
        && headers.TryGetValue("Sec-Fetch-Dest", out var dest) && dest.Count == 1
        && (string.Equals(dest[0], "document", StringComparison.OrdinalIgnoreCase)
            || string.Equals(dest[0], "iframe", StringComparison.OrdinalIgnoreCase)
            || string.Equals(dest[0], "frame", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A Blazor enhanced navigation or enhanced form post: Blazor's script fetches the next page itself (so Fetch Metadata
    /// says <c>no-cors</c>, not <c>navigate</c>) and marks the request with <c>Accept: text/html; blazor-enhanced-nav=on</c>;
    /// the page it returns replaces the one the person sees, and the Blazor module measures its views.
    /// </summary>
    private static bool IsBlazorEnhancedNavigation(IHeaderDictionary headers) =>
        headers.TryGetValue("Accept", out var accept) && accept.Count == 1 && accept[0] is { } value
        && value.Contains("blazor-enhanced-nav=on", StringComparison.OrdinalIgnoreCase);

    // Several values are joined with commas, which no token spans.
    private static bool Contains(IHeaderDictionary headers, string name, string token) =>
        headers[name].ToString().Contains(token, StringComparison.OrdinalIgnoreCase);
}
