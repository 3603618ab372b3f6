using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Middleware;

public sealed class OpprefCookieTests
{
    private const string Oppref = "gAAAAABn-x_Y0abc==";

    [Fact]
    public async Task Landing_Http_SetsExactCookie()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=" + Oppref);

        // Assert
        Assert.Equal(["__oppref=gAAAAABn-x_Y0abc==; max-age=2592000; path=/; samesite=lax"], TestApp.SetCookies(response));
    }

    [Fact]
    public async Task Landing_Https_SetsExactSecureCookie()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await app.CreateClient(https: true).GetAsync("/page?oppref=" + Oppref);

        // Assert
        Assert.Equal(["__oppref=gAAAAABn-x_Y0abc==; max-age=2592000; path=/; secure; samesite=lax"], TestApp.SetCookies(response));
    }

    [Fact]
    public async Task Landing_PercentEncodedPadding_IsStoredDecodedAndVerbatim()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await app.CreateClient().GetAsync("/page?utm=x&oppref=gAAAAABn-x_Y0abc%3D%3D");

        // Assert
        Assert.Equal(["__oppref=gAAAAABn-x_Y0abc==; max-age=2592000; path=/; samesite=lax"], TestApp.SetCookies(response));
    }

    [Fact]
    public async Task Landing_DomainAndMaxAge_AreConfigurable()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options =>
        {
            options.OpprefCookie.Domain = "example.com";
            options.OpprefCookie.MaxAge = TimeSpan.FromDays(7);
        });

        // Act
        var response = await app.CreateClient(https: true, host: "shop.example.com").GetAsync("/page?oppref=" + Oppref);

        // Assert
        Assert.Equal(["__oppref=gAAAAABn-x_Y0abc==; max-age=604800; domain=example.com; path=/; secure; samesite=lax"], TestApp.SetCookies(response));
    }

    [Fact]
    public async Task Landing_CookieWritingOff_WritesNothingButUsesTheOppref()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.OpprefCookie.Enabled = false);

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=" + Oppref);

        // Assert
        Assert.Empty(TestApp.SetCookies(response));
        Assert.Equal(Oppref, app.Sink.Events.Single().Oppref);
    }

    [Fact]
    public async Task NewerOppref_ReplacesTheCookieValue()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/page?oppref=gAAAAnewer");
        request.Headers.Add("Cookie", "__oppref=gAAAAolder");

        // Act
        var response = await app.CreateClient().SendAsync(request);

        // Assert
        Assert.Equal(["__oppref=gAAAAnewer; max-age=2592000; path=/; samesite=lax"], TestApp.SetCookies(response));
        Assert.Equal("gAAAAnewer", app.Sink.Events.Single().Oppref);
    }

    [Fact]
    public async Task CookieOnly_IsUsedVerbatimAndNotRewritten()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Cookie", "other=1; __oppref=gAAAA%41b==; x=2");

        // Act
        var response = await app.CreateClient().SendAsync(request);

        // Assert
        Assert.Empty(TestApp.SetCookies(response));
        // Byte-for-byte: not percent-decoded.
        Assert.Equal("gAAAA%41b==", app.Sink.Events.Single().Oppref);
    }

    [Theory]
    [InlineData("%20")]
    [InlineData("a%0D%0ASet-Cookie:%20evil=1")]
    [InlineData("%E2%80%A8abc")]
    [InlineData("a%09b")]
    [InlineData("a%01b")]
    public async Task Landing_OpprefNeitherCookieNorApiCanTake_IsRefusedNotEchoedAndTheRequestSucceeds(string encoded)
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=" + encoded);
        var html = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(TestApp.SetCookies(response));
        Assert.DoesNotContain("evil", string.Join("\n", response.Headers.Select(h => h.Key + ":" + string.Join(",", h.Value))));
        Assert.Null(app.Sink.Events.Single().Oppref);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 1 && r.Message.Contains("carry it: False", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a%22b", "a\"b")]
    [InlineData("a%2Cb", "a,b")]
    [InlineData("a%3Bb", "a;b")]
    [InlineData("a%5Cb", "a\\b")]
    [InlineData("gAAAA%C3%A9", "gAAAAé")]
    [InlineData("%22%3E%3Cscript%3Ealert(1)%3C/script%3E", "\"><script>alert(1)</script>")]
    public async Task Landing_OpprefTheApiTakesButNoCookieCan_IsSentVerbatimNotStoredNotEchoed(string encoded, string decoded)
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=" + encoded);
        var html = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(TestApp.SetCookies(response));
        Assert.DoesNotContain("alert", html);
        Assert.Equal(decoded, app.Sink.Events.Single().Oppref);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 1 && r.Message.Contains("carry it: True", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Landing_ScriptLikeButCookieSafeOppref_IsStoredVerbatimAndNeverRendered()
    {
        // Arrange: every character here is an RFC 6265 cookie-octet, so the value is stored as is.
        await using var app = await TestApp.StartAsync(options => options.NoScriptFallback = true);

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E");
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Equal(["__oppref=</script><script>alert(1)</script>; max-age=2592000; path=/; samesite=lax"], TestApp.SetCookies(response));
        var script = Assert.Single(document.QuerySelectorAll("script"));
        Assert.DoesNotContain("alert", script.TextContent);
        Assert.DoesNotContain("<script>alert", document.DocumentElement.OuterHtml);
        Assert.Equal("</script><script>alert(1)</script>", app.Sink.Events.Single().Oppref);
    }

    [Fact]
    public async Task Landing_EmptyOppref_IsNoClick_TheCookieKeepsCrediting()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/page?oppref=&utm_source=chatgpt");
        request.Headers.Add("Cookie", "__oppref=gAAAAA_OLD_CLICK");

        // Act
        var response = await app.CreateClient().SendAsync(request);

        // Assert
        Assert.Empty(TestApp.SetCookies(response));
        Assert.Equal("gAAAAA_OLD_CLICK", app.Sink.Events.Single().Oppref);
    }

    [Fact]
    public async Task Landing_OpprefOver2KB_IsRefused_And2KBIsAccepted()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        var client = app.CreateClient();

        // Act
        var tooLong = await client.GetAsync("/page?oppref=" + new string('A', 2049));
        var longest = await client.GetAsync("/page?oppref=" + new string('A', 2048));
        var huge = await client.GetAsync("/page?oppref=" + new string('A', 10_240));

        // Assert
        Assert.Empty(TestApp.SetCookies(tooLong));
        Assert.Empty(TestApp.SetCookies(huge));
        Assert.Equal(System.Net.HttpStatusCode.OK, huge.StatusCode);
        Assert.Equal($"__oppref={new string('A', 2048)}; max-age=2592000; path=/; samesite=lax", Assert.Single(TestApp.SetCookies(longest)));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 1 && r.Message.Contains("2,048"));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Category!.StartsWith("OaiqPixel", StringComparison.Ordinal) && r.Message.Contains("AAAAAAAA"));
    }
}
