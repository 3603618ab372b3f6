using System.Text.Json;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Tests.ServerViews;

/// <summary>
/// The embedded copy of isbot's patterns, split for .NET by eng/update-bot-patterns.js, must give isbot's own verdict:
/// isbot-user-agents.json is isbot's fixture corpus (1,178 user agents), labelled by isbot itself in Node.
/// </summary>
public sealed class BotUserAgentsTests
{
    private static readonly Corpus s_corpus = JsonSerializer.Deserialize<Corpus>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ServerViews", "isbot-user-agents.json")),
        JsonSerializerOptions.Web)!;

    [Fact]
    public void Match_EveryBotOfTheCorpus_IsABot()
    {
        // Act
        var missed = s_corpus.Bots.Where(ua => !BotUserAgents.Match(ua)).ToList();

        // Assert
        Assert.True(s_corpus.Bots.Count > 600, $"{s_corpus.Bots.Count} bots in the corpus");
        Assert.Empty(missed);
    }

    [Fact]
    public void Match_EveryBrowserOfTheCorpus_IsNotABot()
    {
        // Act
        var wrong = s_corpus.Browsers.Where(BotUserAgents.Match).ToList();

        // Assert
        Assert.True(s_corpus.Browsers.Count > 500, $"{s_corpus.Browsers.Count} browsers in the corpus");
        Assert.Empty(wrong);
    }

    [Fact]
    public void Corpus_IsLabelledByTheEmbeddedVersion()
    {
        Assert.Equal(BotUserAgentPatterns.Source, s_corpus.LabelledBy);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36")]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/131.0.6778.69 Safari/537.36")]
    [InlineData("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")]
    [InlineData("Twitterbot/1.0")]
    [InlineData("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)")]
    [InlineData("WhatsApp/2.23.20.0")]
    [InlineData("TelegramBot (like TwitterBot)")]
    [InlineData("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)")]
    [InlineData("curl/8.5.0")]
    [InlineData("python-requests/2.32.3")]
    [InlineData("Wget/1.21.3")]
    [InlineData("Go-http-client/1.1")]
    [InlineData("UptimeRobot/2.0; http://www.uptimerobot.com/")]
    [InlineData("Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)")]
    [InlineData("Mozilla/5.0 (compatible; OAI-AdsBot/1.0)")] // OpenAI's ad-review crawler (README: allow it in robots.txt)
    public void IsBot_LinkPreviewsCrawlersMonitorsAndScripts_AreBots(string userAgent)
    {
        Assert.True(BotUserAgents.IsBot(userAgent));
        Assert.True(BotUserAgents.IsBot(userAgent.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36")]
    [InlineData("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")]
    public void IsBot_PeoplesBrowsers_AreNotBots(string userAgent)
    {
        Assert.False(BotUserAgents.IsBot(userAgent));
        Assert.False(BotUserAgents.IsBot(userAgent));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void IsBot_NoUserAgent_IsABot(string? userAgent)
    {
        Assert.True(BotUserAgents.IsBot(userAgent));
    }

    [Fact]
    public void IsBot_OverlongUserAgent_IsABotWithoutMatching()
    {
        // Arrange: a browser's user agent padded past the limit, and one at the limit.
        const string browser = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 ";
        var atLimit = browser + new string('a', BotUserAgents.MaxLength - browser.Length - 1) + " ";
        var overLimit = atLimit + "a";

        // Assert
        Assert.Equal(BotUserAgents.MaxLength, atLimit.Length);
        Assert.False(BotUserAgents.IsBot(atLimit));
        Assert.True(BotUserAgents.IsBot(overLimit));
    }

    [Fact]
    public void IsBot_MoreDistinctUserAgentsThanTheCache_KeepsEveryVerdict()
    {
        // Arrange: enough distinct user agents to restart the verdict cache twice.
        var userAgents = Enumerable.Range(0, BotUserAgents.CacheCapacity * 2 + 10)
            .Select(i => i % 2 == 0
                ? $"Mozilla/5.0 (X11; Linux x86_64; rv:{i}.0) Gecko/20100101 Firefox/{i}.0"
                : $"Mozilla/5.0 (compatible; Example{i}Bot/1.0)")
            .ToList();

        // Act
        var first = userAgents.Select(BotUserAgents.IsBot).ToList();
        var second = userAgents.Select(BotUserAgents.IsBot).ToList();

        // Assert
        Assert.Equal(userAgents.Select((_, i) => i % 2 == 1), first);
        Assert.Equal(first, second);
    }

    private sealed record Corpus(string Source, string LabelledBy, List<string> Bots, List<string> Browsers);
}
