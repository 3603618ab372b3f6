using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Components;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Tests.Components;

/// <summary>The visitor context a page hands to its interactive circuit: read back as written, never forged.</summary>
public sealed class VisitorTokensTests
{
    private const string ChromeUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    [Fact]
    public void Protect_ThenUnprotect_GivesTheRequestsVisitorBack()
    {
        var tokens = Tokens();
        var tracking = Context("oppref=gAAAAB-x_Y==", ChromeUserAgent, "203.0.113.9");

        var visitor = tokens.Unprotect(tokens.Protect(tracking), out var reason);

        Assert.Null(reason);
        Assert.NotNull(visitor);
        Assert.Equal("gAAAAB-x_Y==", visitor.Oppref);
        Assert.Equal(OaiqConsent.NotRequired, visitor.Consent);
        Assert.Equal("203.0.113.9", visitor.IpAddress);
        Assert.Equal(ChromeUserAgent, visitor.UserAgent);
        Assert.Null(visitor.ViewSkipReason);
    }

    [Fact]
    public void Protect_ForABot_ItsViewsKeepToTheBrowser()
    {
        var tokens = Tokens();

        var visitor = tokens.Unprotect(tokens.Protect(Context("", "Googlebot/2.1 (+http://www.google.com/bot.html)", "198.51.100.7")), out _);

        Assert.Equal("bot", visitor!.ViewSkipReason);
    }

    [Fact]
    public void Unprotect_AnAlteredToken_IsRefused()
    {
        var tokens = Tokens();
        var token = tokens.Protect(Context("oppref=abc", ChromeUserAgent, "203.0.113.9"));
        var altered = token[..^4] + (token[^4] == 'A' ? 'B' : 'A') + token[^3..];

        Assert.Null(tokens.Unprotect(altered, out var reason));
        Assert.NotNull(reason);
        Assert.Null(tokens.Unprotect("not a token", out _));
    }

    [Fact]
    public void Protect_TheSameVisitorsNextPage_ReusesItsTokenForAnHourOnly()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokens = new VisitorTokens(new EphemeralDataProtectionProvider(), Options.Create(new OaiqTrackingOptions { PixelId = "px_1" }), time: time);
        var first = tokens.Protect(Context("oppref=abc", ChromeUserAgent, "203.0.113.9"));

        var samePage = tokens.Protect(Context("oppref=abc", ChromeUserAgent, "203.0.113.9"));
        var otherVisitor = tokens.Protect(Context("oppref=abc", ChromeUserAgent, "203.0.113.10"));
        time.Advance(VisitorTokens.ReuseFor);
        var anHourLater = tokens.Protect(Context("oppref=abc", ChromeUserAgent, "203.0.113.9"));

        Assert.Equal(first, samePage);
        Assert.NotEqual(first, otherVisitor);
        Assert.Equal("203.0.113.10", tokens.Unprotect(otherVisitor, out _)!.IpAddress);
        Assert.NotEqual(first, anHourLater);
        Assert.Equal("203.0.113.9", tokens.Unprotect(anHourLater, out _)!.IpAddress);
    }

    private static VisitorTokens Tokens() =>
        new(new EphemeralDataProtectionProvider(), Options.Create(new OaiqTrackingOptions { PixelId = "px_1" }));

    private static OaiqTrackingContext Context(string query, string userAgent, string ip)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("shop.example");
        http.Request.QueryString = new QueryString(query.Length > 0 ? "?" + query : "");
        http.Request.Headers.UserAgent = userAgent;
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(ip);
        var landing = LandingRequest.Read(http.Request, OaiqConsent.NotRequired, NullLogger.Instance);
        return new OaiqTrackingContext(http, OaiqConsent.NotRequired, landing, null, new OaiqServerViewOptions());
    }
}
