using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Issue 11: telling a bot's user agent from a person's browser, for a desktop Chrome user agent (the common case, and
/// the slowest: no pattern matches, so every form is tried). <c>IsbotSingleRegex</c> is isbot's pattern as it ships, one
/// alternation, compiled (what a straight port costs); <c>Match</c> is the split forms
/// (<c>eng/update-bot-patterns.js</c>), which a user agent seen for the first time pays; <c>IsBotCached</c> is a
/// repeat, what most requests pay. <c>NavigationVerdict</c> is the whole decision for a browser navigation that records
/// a view (the prefetch headers, Fetch Metadata, the cached user agent's verdict): what issue 11 adds to such a page.
/// </summary>
[MemoryDiagnoser]
public class BotUserAgentBenchmarks
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

    private static readonly OaiqServerViewOptions s_defaults = new();

    private Regex _single = null!;
    private HttpRequest _navigation = null!;

    [GlobalSetup]
    public void Setup()
    {
        // isbot's full pattern rebuilt from the split (the same branches, one alternation, as isbot's getPattern()).
        var branches = BotUserAgentPatterns.Substrings.Select(Regex.Escape)
            .Concat(BotUserAgentPatterns.Prefixes.Select(p => "^" + Regex.Escape(p)))
            .Append(BotUserAgentPatterns.Anchored)
            .Append(BotUserAgentPatterns.Gated)
            .Append(BotUserAgentPatterns.Ungated);
        _single = new Regex(string.Join("|", branches), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        var http = new DefaultHttpContext();
        http.Request.Headers.UserAgent = Chrome;
        http.Request.Headers["Sec-Fetch-Mode"] = "navigate";
        http.Request.Headers["Sec-Fetch-Dest"] = "document";
        http.Request.Headers["Sec-Fetch-Site"] = "none";
        http.Request.Headers.Accept = "text/html,application/xhtml+xml";
        _navigation = http.Request;
        if (ServerViewFilter.GetSkipReason(_navigation, s_defaults) is not null
            || _single.IsMatch(Chrome) || BotUserAgents.Match(Chrome) || !BotUserAgents.Match("Slackbot 1.0") || !_single.IsMatch("Slackbot 1.0"))
        {
            throw new InvalidOperationException("The matchers disagree with isbot.");
        }
    }

    [Benchmark(Baseline = true)]
    public bool IsbotSingleRegex() => _single.IsMatch(Chrome);

    [Benchmark]
    public bool Match() => BotUserAgents.Match(Chrome);

    [Benchmark]
    public bool MatchIPhone() => BotUserAgents.Match(IPhone);

    [Benchmark]
    public bool IsBotCached() => BotUserAgents.IsBot(Chrome);

    [Benchmark]
    public string? NavigationVerdict() => ServerViewFilter.GetSkipReason(_navigation, s_defaults);
}
