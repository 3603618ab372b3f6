using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Middleware;

public sealed class ConsentTests
{
    private const string ConsentCookie = ".AspNet.Consent=yes";

    [Fact]
    public async Task ConsentNeededAndMissing_NoCookieNoScriptNothingRecorded()
    {
        // Arrange
        await using var app = await StartWithCookiePolicyAsync();
        string? result = "not called";
        app.Scenario.Record = (tracker, _) => result = tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        using var dropped = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "OaiqPixel", "oaiq.events.dropped");

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=gAAAA");
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Empty(TestApp.SetCookies(response));
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Null(result);
        Assert.Empty(app.Sink.Events);
        var consentDrop = Assert.Single(dropped.GetMeasurementSnapshot());
        Assert.Equal(1, consentDrop.Value);
        Assert.Equal("consent", consentDrop.Tags["oaiq.drop.reason"]);
    }

    [Fact]
    public async Task ConsentGiven_ConsentTrueBeforeInit_AndCookieWritten()
    {
        // Arrange
        await using var app = await StartWithCookiePolicyAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/page?oppref=gAAAA");
        request.Headers.Add("Cookie", ConsentCookie);

        // Act
        var response = await app.CreateClient().SendAsync(request);
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Equal(["__oppref=gAAAA; max-age=2592000; path=/; samesite=lax"], TestApp.SetCookies(response));
        var calls = TestApp.Calls(document.QuerySelector("script")!.TextContent);
        Assert.Equal("oaiq(\"consent\",true);", calls[0]);
        Assert.StartsWith("oaiq(\"init\"", calls[1]);
    }

    [Fact]
    public async Task ConsentWithdrawn_DeletesTheOpprefCookie()
    {
        // Arrange
        await using var app = await StartWithCookiePolicyAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Cookie", "__oppref=gAAAA");

        // Act
        var response = await app.CreateClient(https: true).SendAsync(request);

        // Assert
        Assert.Equal(["__oppref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/; secure; samesite=lax"], TestApp.SetCookies(response));
        Assert.Empty((await TestApp.ParseAsync(response)).QuerySelectorAll("script"));
    }

    [Fact]
    public async Task ConsentDenied_RenderWhenConsentDenied_RendersConsentFalseAndNoEvents()
    {
        // Arrange
        await using var app = await StartWithCookiePolicyAsync(options => options.RenderWhenConsentDenied = true);

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        Assert.Equal(["oaiq(\"consent\",false);", "oaiq(\"init\",{\"pixelId\":\"px_test_123\"});"],
            TestApp.Calls(document.QuerySelector("script")!.TextContent));
        Assert.Empty(app.Sink.Events);
    }

    [Fact]
    public async Task NoConsentChecking_NoConsentCall()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        Assert.DoesNotContain("\"consent\"", document.QuerySelector("script")!.TextContent);
    }

    [Fact]
    public async Task AlwaysGranted_ConsentTrue()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options => options.ConsentMode = OaiqConsentMode.AlwaysGranted);

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        Assert.Equal("oaiq(\"consent\",true);", TestApp.Calls(document.QuerySelector("script")!.TextContent)[0]);
    }

    [Fact]
    public async Task CustomResolver_ReplacesTheMode()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(services: services => services.AddSingleton<IOaiqConsentResolver>(new HeaderResolver()));
        var client = app.CreateClient();
        var denied = new HttpRequestMessage(HttpMethod.Get, "/page?oppref=gAAAA");
        denied.Headers.Add("X-Consent", "no");

        // Act
        var deniedResponse = await client.SendAsync(denied);
        var granted = await TestApp.ParseAsync(await client.GetAsync("/page"));

        // Assert
        Assert.Empty(TestApp.SetCookies(deniedResponse));
        Assert.Empty((await TestApp.ParseAsync(deniedResponse)).QuerySelectorAll("script"));
        Assert.Equal("oaiq(\"consent\",true);", TestApp.Calls(granted.QuerySelector("script")!.TextContent)[0]);
    }

    [Fact]
    public async Task ThrowingResolver_FailsClosedWithoutBreakingTheRequest()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(services: services => services.AddSingleton<IOaiqConsentResolver>(new ThrowingResolver()));

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=gAAAA");

        // Assert
        Assert.Empty((await TestApp.ParseAsync(response)).QuerySelectorAll("script"));
        Assert.Empty(TestApp.SetCookies(response));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 14);
    }

    private static Task<TestApp> StartWithCookiePolicyAsync(Action<OaiqTrackingOptions>? configure = null) =>
        TestApp.StartAsync(
            configure,
            services => services.Configure<CookiePolicyOptions>(options => options.CheckConsentNeeded = _ => true),
            web => web.UseCookiePolicy());

    private sealed class HeaderResolver : IOaiqConsentResolver
    {
        public OaiqConsent Resolve(HttpContext httpContext) =>
            httpContext.Request.Headers["X-Consent"] == "no" ? OaiqConsent.Denied : OaiqConsent.Granted;
    }

    private sealed class ThrowingResolver : IOaiqConsentResolver
    {
        public OaiqConsent Resolve(HttpContext httpContext) => throw new InvalidOperationException("consent manager down");
    }
}
