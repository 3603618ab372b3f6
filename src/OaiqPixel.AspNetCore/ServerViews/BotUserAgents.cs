using System.Buffers;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace OaiqPixel.AspNetCore.ServerViews;

/// <summary>
/// Tells a bot's <c>User-Agent</c> (crawlers, link previews, monitors, HTTP libraries, headless and automated browsers)
/// from a person's browser, with the verdict of the npm package isbot (<see cref="BotUserAgentPatterns.Source"/>,
/// refreshed by <c>eng/update-bot-patterns.sh</c>).
/// </summary>
/// <remarks>
/// isbot's single alternation costs .NET 83–106 µs on a desktop browser's user agent, so its branches are matched in
/// the forms <c>eng/update-bot-patterns.js</c> splits them into; verdicts are kept per distinct user agent (a site sees
/// few), so a repeat costs a dictionary look-up. The regular expressions keep JavaScript's syntax: .NET reads it the same
/// way, except that .NET's <c>\w</c>, <c>\d</c>, <c>\s</c> and <c>\b</c> also know non-ASCII letters and digits, which
/// browsers do not send in a user agent (the tests hold every user agent of isbot's corpus to isbot's verdict).
/// </remarks>
internal static partial class BotUserAgents
{
    /// <summary>Longer user agents are taken for bots: no browser sends one, and it bounds the matching work.</summary>
    public const int MaxLength = 1024;

    /// <summary>The most verdicts kept; past it the cache starts again (random user agents cannot grow it).</summary>
    public const int CacheCapacity = 2048;

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private static readonly SearchValues<string> s_substrings = SearchValues.Create(BotUserAgentPatterns.Substrings, StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> s_gateLiterals = SearchValues.Create(BotUserAgentPatterns.GateLiterals, StringComparison.OrdinalIgnoreCase);

    // IndexOfAny gives the first position where any prefix occurs: 0 exactly when the user agent starts with one.
    private static readonly SearchValues<string> s_prefixes = SearchValues.Create(BotUserAgentPatterns.Prefixes, StringComparison.OrdinalIgnoreCase);

    private static readonly ConcurrentDictionary<string, bool> s_verdicts = new(StringComparer.Ordinal);
    private static int s_cached;

    /// <summary>Whether the user agent is a bot's; no user agent (or an empty one) is: every browser sends one.</summary>
    public static bool IsBot(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent) || userAgent.Length > MaxLength)
        {
            return true;
        }

        if (s_verdicts.TryGetValue(userAgent, out var verdict))
        {
            return verdict;
        }

        verdict = Match(userAgent);
        if (Interlocked.Increment(ref s_cached) > CacheCapacity)
        {
            // Rare and racy on purpose: a verdict lost to a concurrent clear is computed again.
            s_verdicts.Clear();
            Volatile.Write(ref s_cached, 0);
        }

        s_verdicts.TryAdd(userAgent, verdict);
        return verdict;
    }

    /// <summary>isbot's verdict, computed without the cache.</summary>
    public static bool Match(string userAgent)
    {
        var span = userAgent.AsSpan();
        return span.IndexOfAny(s_substrings) >= 0
            || span.IndexOfAny(s_prefixes) == 0
            || AnchoredRegex().IsMatch(span)
            || UngatedRegex().IsMatch(span)
            || (span.IndexOfAny(s_gateLiterals) >= 0 && GatedRegex().IsMatch(span));
    }

    [GeneratedRegex(BotUserAgentPatterns.Anchored, Options)]
    private static partial Regex AnchoredRegex();

    [GeneratedRegex(BotUserAgentPatterns.Gated, Options)]
    private static partial Regex GatedRegex();

    [GeneratedRegex(BotUserAgentPatterns.Ungated, Options)]
    private static partial Regex UngatedRegex();
}
