using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Middleware;

/// <summary><c>OpprefCookie:Domain</c>: a Domain a browser drops never reaches a Set-Cookie header.</summary>
public sealed class CookieDomainTests
{
    private const string Oppref = "gAAAAABn-x_Y0abc==";

    [Theory]
    [InlineData("com", "is 'com', a single label")]
    [InlineData("localhost", "is 'localhost', a single label")]
    [InlineData("co.uk", "is 'co.uk', a public suffix (Public Suffix List)")]
    [InlineData(".co.uk", "is 'co.uk', a public suffix (Public Suffix List)")]
    [InlineData("github.io", "is 'github.io', a public suffix")]             // the list's PRIVATE section
    [InlineData("test.ck", "is 'test.ck', a public suffix")]                 // *.ck
    [InlineData(".Anything.Kobe.JP", "is 'anything.kobe.jp', a public suffix")]  // *.kobe.jp
    [InlineData("127.0.0.1", "is '127.0.0.1', an IP address")]
    [InlineData("0x7f.1", "is '0x7f.1', an IP address")]                     // a browser reads it as 127.0.0.1
    [InlineData("::1", "is '::1', an IP address")]
    [InlineData("[2001:db8::1]", "an IP address")]
    [InlineData("https://example.com", "must be a host name such as example.com")]
    [InlineData("example.com:443", "must be a host name such as example.com")]
    [InlineData("example.com.", "must be a host name such as example.com")]
    [InlineData("my_shop.example.com", "must be a host name such as example.com")]
    [InlineData("   ", "must be a host name such as example.com")]
    public async Task Start_DomainABrowserWouldDrop_StopsTheStartUpWithTheFix(string domain, string expected)
    {
        // Arrange
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Services.AddOaiqTracking(options =>
        {
            options.PixelId = "px";
            options.OpprefCookie.Domain = domain;
        });
        await using var app = builder.Build();

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert: what is wrong, and what to do instead.
        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith("OaiqTrackingOptions.OpprefCookie.Domain ", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.Contains("leave Domain unset", failure, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Start_PublicSuffix_TheMessageNamesTheRegistrableDomainToUse()
    {
        // Arrange
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Services.AddOaiqTracking(options =>
        {
            options.PixelId = "px";
            options.OpprefCookie.Domain = ".co.uk";
        });
        await using var app = builder.Build();

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.Contains("Use your registrable domain such as example.co.uk, or leave Domain unset for a host-only cookie.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".Example.COM", "shop.example.com", "example.com")]
    [InlineData("example.com", "example.com", "example.com")]
    [InlineData("www.ck", "www.ck", "www.ck")]                              // the exception !www.ck is registrable
    [InlineData("octocat.github.io", "blog.octocat.github.io", "octocat.github.io")]
    public async Task Landing_DomainThatMatchesTheHost_IsWrittenCanonicalWithoutLeadingDot(string configured, string host, string written)
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.OpprefCookie.Domain = configured);

        // Act
        var response = await app.CreateClient(https: true, host: host).GetAsync("/page?oppref=" + Oppref);

        // Assert
        Assert.Equal([$"__oppref={Oppref}; max-age=2592000; domain={written}; path=/; secure; samesite=lax"], TestApp.SetCookies(response));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 32);
    }

    [Theory]
    [InlineData("localhost")]          // the bug report: example.com configured, the site served from localhost
    [InlineData("127.0.0.1")]          // an IP-address host never domain-matches
    [InlineData("notexample.com")]     // a suffix without the dot before it is not a match
    [InlineData("example.com.evil.test")]
    public async Task Landing_DomainThatDoesNotMatchTheHost_WritesAHostOnlyCookieAndWarns(string host)
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.OpprefCookie.Domain = "example.com");
        var client = app.CreateClient(host: host);

        // Act
        var response = await client.GetAsync("/page?oppref=" + Oppref);
        await client.GetAsync("/page?oppref=" + Oppref);

        // Assert: the cookie the browser keeps, the oppref on the server leg, and one warning that says what to do.
        Assert.Equal([$"__oppref={Oppref}; max-age=2592000; path=/; samesite=lax"], TestApp.SetCookies(response));
        Assert.All(app.Sink.Events, e => Assert.Equal(Oppref, e.Oppref));
        var warning = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 32);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"'example.com' (OpprefCookie:Domain) does not domain-match this request's host '{host}'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("leave OpprefCookie:Domain unset for a host-only cookie", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Landing_ManyMismatchedHosts_WarnsOncePerHostUpToTheBound()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.OpprefCookie.Domain = "example.com");

        // Act: made-up Host headers must not grow the log or the memory without limit.
        for (var i = 0; i < VisitorCookies.MaxWarnedHosts + 4; i++)
        {
            await app.CreateClient(host: $"host{i}.example.net").GetAsync("/page?oppref=" + Oppref);
            await app.CreateClient(host: $"host{i}.example.net").GetAsync("/page?oppref=" + Oppref);
        }

        // Assert
        var warnings = app.Logs.GetSnapshot().Where(r => r.Id.Id == 32).ToList();
        Assert.Equal(VisitorCookies.MaxWarnedHosts, warnings.Count);
        Assert.Equal(VisitorCookies.MaxWarnedHosts, warnings.Select(w => w.Message).Distinct().Count());
    }

    [Fact]
    public async Task Options_ConfiguredDomainIsNormalizedOnce()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.OpprefCookie.Domain = " .Shop.Example.COM ");

        // Act
        var cookies = app.Services.GetRequiredService<VisitorCookies>();

        // Assert
        Assert.Equal("shop.example.com", cookies.ConfiguredDomain);
    }
}
