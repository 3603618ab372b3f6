using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary>
/// Issue 11, item 7: forgetting <c>app.UseOaiqTracking()</c> renders the pixel and answers 200, but no <c>__oppref</c>
/// is written, so later pages' events lose <c>oppref</c>. The tag helper and the tracker notice and warn once (log 41).
/// </summary>
public sealed class MissingMiddlewareTests
{
    private const int MiddlewareMissing = 41;

    [Fact]
    public async Task WithoutUseOaiqTracking_WarnsOnceNamingTheFix()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(useTracking: false);
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated());
        var client = app.CreateClient();

        // Act: the landing page (no cookie is written), then further pages.
        var landing = await client.GetAsync("/page?oppref=gAAAAB-click");
        await TestApp.ParseAsync(await client.GetAsync("/page"));
        await TestApp.ParseAsync(await client.GetAsync("/event-tag?id=view_1"));
        await TestApp.ParseAsync(landing);

        // Assert
        Assert.Empty(TestApp.SetCookies(landing));
        var warning = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == MiddlewareMissing);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("MiddlewareMissing", warning.Id.Name);
        Assert.Contains("Add app.UseOaiqTracking() after app.UseRouting()", warning.Message, StringComparison.Ordinal);
        Assert.Contains("before the endpoints", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("gAAAAB-click", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutUseOaiqTracking_TrackerAloneWarns()
    {
        // Arrange: an API-only app, no pixel on the page.
        await using var app = await TestApp.StartAsync(useTracking: false);
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        // Act
        var response = await app.CreateClient().PostAsync("/api/place?oppref=gAAAAB-click", null);

        // Assert
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Single(app.Sink.Events, e => e.Id == "lead_1");
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == MiddlewareMissing);
    }

    [Fact]
    public async Task WithUseOaiqTracking_LogsNothing()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated());
        var client = app.CreateClient();

        // Act: a plain page, a landing page, a page with the cookie, a view's event tag.
        await TestApp.ParseAsync(await client.GetAsync("/page"));
        var landing = await client.GetAsync("/page?oppref=gAAAAB-click");
        var withCookie = new HttpRequestMessage(HttpMethod.Get, "/page");
        withCookie.Headers.Add("Cookie", "__oppref=gAAAAB-click");
        await TestApp.ParseAsync(await client.SendAsync(withCookie));
        await TestApp.ParseAsync(await client.GetAsync("/event-tag?id=view_1"));

        // Assert: the cookie was written (the middleware ran), and no warning.
        Assert.Single(TestApp.SetCookies(landing), c => c.StartsWith("__oppref=gAAAAB-click;", StringComparison.Ordinal));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 2);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == MiddlewareMissing);
    }

    [Fact]
    public async Task MiddlewareInABranchThePagesNeverReach_Warns()
    {
        // Arrange: registered, but after the endpoints' routes, in a branch no page request reaches.
        await using var app = await TestApp.StartAsync(
            useTracking: false,
            endpoints: web => web.Map("/unused", branch =>
            {
                branch.UseOaiqTracking();
                branch.Run(context => context.Response.WriteAsync("unused"));
            }));
        var client = app.CreateClient();

        // Act
        var landing = await client.GetAsync("/page?oppref=gAAAAB-click");
        await TestApp.ParseAsync(await client.GetAsync("/page"));

        // Assert
        Assert.Empty(TestApp.SetCookies(landing));
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == MiddlewareMissing && r.Message.Contains("not handled any request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MiddlewareThatRunsOnlyForOtherRequests_WarnsOnTheLandingItMissed()
    {
        // Arrange: the branch runs (so the middleware has run in this process), but the landing page bypasses it.
        await using var app = await TestApp.StartAsync(
            useTracking: false,
            endpoints: web => web.Map("/other", branch =>
            {
                branch.UseOaiqTracking();
                branch.Run(context => context.Response.WriteAsync("other"));
            }));
        var client = app.CreateClient();
        Assert.Equal("other", await client.GetStringAsync("/other"));
        await TestApp.ParseAsync(await client.GetAsync("/page"));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == MiddlewareMissing);

        // Act
        var landing = await client.GetAsync("/page?oppref=gAAAAB-click");

        // Assert
        Assert.Empty(TestApp.SetCookies(landing));
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == MiddlewareMissing && r.Message.Contains("did not see it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrackingInAMiddlewareBeforeUseOaiqTracking_DoesNotWarn()
    {
        // Arrange: an app middleware records an event before the tracking middleware runs, on the very first request.
        await using var app = await TestApp.StartAsync(beforeTracking: web => web.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<IConversionTracker>().Track(OaiqEvent.LeadCreated(), "lead_early");
            return next(context);
        }));

        // Act
        var landing = await app.CreateClient().GetAsync("/page?oppref=gAAAAB-click");
        await TestApp.ParseAsync(landing);

        // Assert: the middleware still did its work on the context the tracker built, and nothing is reported.
        Assert.Single(TestApp.SetCookies(landing), c => c.StartsWith("__oppref=gAAAAB-click;", StringComparison.Ordinal));
        Assert.Equal("gAAAAB-click", Assert.Single(app.Sink.Events, e => e.Id == "lead_early").Oppref);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == MiddlewareMissing);
    }
}
