using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Middleware;

/// <summary>
/// A non-empty landing <c>oppref</c> is a newer click: it supersedes the <c>__oppref</c> cookie on both legs, even when it
/// cannot be stored in the cookie; the older click is never credited again.
/// </summary>
public sealed class NewerClickTests
{
    private const string OldClick = "gAAAAA_OLD_CLICK";
    private const string DeleteOld = "__oppref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/; samesite=lax";

    public static TheoryData<string, string?> UnstorableClicks => new()
    {
        // query as sent, the oppref this request's events carry
        { new string('B', 2_100), new string('B', 2_100) },         // too long for the cookie, fine for the API
        { new string('B', 2_049), new string('B', 2_049) },         // one over the cookie's limit
        { "gAAAAA%20NEW", null },                                   // a space: neither the cookie nor the API takes it
        { "gAAAAA%01NEW", null },                                   // a control character
        { "gAAAAA%3BNEW", "gAAAAA;NEW" },                           // not a cookie-octet, fine for the API
    };

    [Theory]
    [MemberData(nameof(UnstorableClicks))]
    public async Task OldCookie_NewClickThatCannotBeStored_EventsCarryTheNewClickOrNone_AndTheOldCookieIsDeleted(string query, string? expected)
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.NoScriptFallback = true);
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        // Act
        var response = await LandAsync(app, query, OldClick);
        var document = await TestApp.ParseAsync(response);

        // Assert: both server events (page_viewed and the lead) carry the newer click or nothing, never the older one.
        Assert.Equal(2, app.Sink.Events.Count);
        Assert.All(app.Sink.Events, e => Assert.Equal(expected, e.Oppref));
        Assert.Equal([DeleteOld], TestApp.SetCookies(response));

        // The <noscript> image follows the same value (a parser without scripting moves the <img> out of <head>).
        var image = document.QuerySelector("img[src*='/v1/sdk/events']")!.GetAttribute("src")!;
        Assert.DoesNotContain(OldClick, image, StringComparison.Ordinal);
        if (expected is null)
        {
            Assert.DoesNotContain("oppref=", image, StringComparison.Ordinal);
        }
        else
        {
            Assert.EndsWith("&oppref=" + Uri.EscapeDataString(expected), image, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NextPage_AfterAnUnstorableClick_CarriesNoOlderClick()
    {
        // Arrange: the landing deleted the old cookie; the browser sends none, or (before the SDK rewrote it) nothing of ours.
        await using var app = await TestApp.StartAsync();
        var landing = await LandAsync(app, "gAAAAA%20NEW", OldClick);

        // Act
        var next = await app.CreateClient().GetAsync("/page");

        // Assert
        Assert.Equal([DeleteOld], TestApp.SetCookies(landing));
        Assert.Empty(TestApp.SetCookies(next));
        Assert.All(app.Sink.Events, e => Assert.Null(e.Oppref));
    }

    [Fact]
    public async Task OldCookie_NewClickWithPercentEncodedPadding_OverwritesItVerbatim()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await LandAsync(app, "gAAAAA_NEW%3D%3D", OldClick);

        // Assert
        Assert.Equal(["__oppref=gAAAAA_NEW==; max-age=2592000; path=/; samesite=lax"], TestApp.SetCookies(response));
        Assert.Equal("gAAAAA_NEW==", app.Sink.Events.Single().Oppref);
    }

    [Fact]
    public async Task OldCookie_SameClickAgain_IsWrittenOnceWithoutDeletions()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act: the visitor reloads the landing URL.
        var response = await LandAsync(app, OldClick, OldClick);

        // Assert
        Assert.Equal([$"__oppref={OldClick}; max-age=2592000; path=/; samesite=lax"], TestApp.SetCookies(response));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 31);
    }

    [Fact]
    public async Task OldCookieOnTheRegistrableDomain_NewClick_OverwritesItAndDeletesTheOtherVariants()
    {
        // Arrange: the SDK wrote the older click on example.co.uk; the site writes host-only for shop.example.co.uk.
        await using var app = await TestApp.StartAsync();

        // Act
        var response = await LandAsync(app, "gAAAAA_NEW", OldClick, host: "shop.example.co.uk");

        // Assert: the other variants a browser could send first are deleted; the new value is the only one left.
        Assert.Equal(
        [
            "__oppref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; domain=example.co.uk; path=/; secure; samesite=lax",
            "__oppref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; domain=shop.example.co.uk; path=/; secure; samesite=lax",
            "__oppref=gAAAAA_NEW; max-age=2592000; path=/; secure; samesite=lax",
        ], TestApp.SetCookies(response));
        Assert.Equal("gAAAAA_NEW", app.Sink.Events.Single().Oppref);
    }

    [Fact]
    public async Task OldCookie_CookieWritingOff_NewClick_DeletesTheOldCookieAndUsesTheNewClick()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.OpprefCookie.Enabled = false);

        // Act
        var response = await LandAsync(app, "gAAAAA_NEW", OldClick);

        // Assert
        Assert.Equal([DeleteOld], TestApp.SetCookies(response));
        Assert.Equal("gAAAAA_NEW", app.Sink.Events.Single().Oppref);
    }

    [Fact]
    public async Task UnstorableClick_IsLoggedWithItsReason_NeverItsValue()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        await LandAsync(app, "gAAAAA_SECRET%20NEW", OldClick);

        // Assert
        var logs = app.Logs.GetSnapshot().Where(r => r.Category!.StartsWith("OaiqPixel", StringComparison.Ordinal)).ToList();
        Assert.Contains(logs, r => r.Id.Id == 1 && r.Message.Contains("cannot be stored verbatim", StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Id.Id == 31 && r.Message.Contains("deleted it", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, r => r.Message.Contains("SECRET", StringComparison.Ordinal) || r.Message.Contains("OLD_CLICK", StringComparison.Ordinal));
    }

    private static Task<HttpResponseMessage> LandAsync(TestApp app, string query, string cookie, string host = "localhost")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/page?oppref=" + query);
        request.Headers.Add("Cookie", "__oppref=" + cookie);
        return app.CreateClient(https: host != "localhost", host: host).SendAsync(request);
    }
}
