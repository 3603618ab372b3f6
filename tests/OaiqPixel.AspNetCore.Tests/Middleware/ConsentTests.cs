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
        var calls = PixelCall.Lines(document.QuerySelector("script")!.TextContent);
        Assert.Equal("oaiq(\"consent\",true);", calls[0]);
        Assert.StartsWith("oaiq(\"init\"", calls[1]);
    }

    [Fact]
    public async Task ConsentWithdrawn_DeletesBothCookies_AndRendersConsentFalseOnce()
    {
        // Arrange: consent is no longer given, but the browser still holds our __oppref and the SDK's __obref.
        await using var app = await StartWithCookiePolicyAsync();
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");
        var client = app.CreateClient(https: true);
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Cookie", "__oppref=gAAAA; __obref=123e4567-e89b-42d3-a456-426614174000");

        // Act
        var response = await client.SendAsync(request);
        var document = await TestApp.ParseAsync(response);
        var next = await TestApp.ParseAsync(await client.GetAsync("/page"));

        // Assert: the server deletes both; the SDK is told consent(false) before init so it clears its own state.
        Assert.Equal(
        [
            "__oppref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/; secure; samesite=lax",
            "__obref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/; secure; samesite=lax",
        ], TestApp.SetCookies(response));
        Assert.Equal(["oaiq(\"consent\",false);", "oaiq(\"init\",{\"pixelId\":\"px_test_123\"});"],
            PixelCall.Lines(document.QuerySelector("script")!.TextContent));
        Assert.Empty(app.Sink.Events);

        // Once: the next request carries neither cookie, so nothing renders.
        Assert.Empty(next.QuerySelectorAll("script"));
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 30);
    }

    [Fact]
    public async Task ConsentWithdrawn_OnlyTheSdksObrefLeft_IsClearedToo()
    {
        // Arrange: no __oppref (a visitor who never came from an ad), only the SDK's __obref.
        await using var app = await StartWithCookiePolicyAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Cookie", "__obref=123e4567-e89b-42d3-a456-426614174000");

        // Act
        var response = await app.CreateClient().SendAsync(request);
        var document = await TestApp.ParseAsync(response);

        // Assert
        Assert.Contains("__obref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/; samesite=lax", TestApp.SetCookies(response));
        Assert.Equal("oaiq(\"consent\",false);", PixelCall.Lines(document.QuerySelector("script")!.TextContent)[0]);
    }

    [Fact]
    public async Task ConsentWithdrawn_OnASubdomain_DeletesOnEveryParentUpToTheRegistrableDomain()
    {
        // Arrange: the SDK writes its cookies on the registrable domain; a configured Domain may be any level between.
        await using var app = await StartWithCookiePolicyAsync(options => options.OpprefCookie.Domain = "shop.example.co.uk");
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Cookie", "__oppref=gAAAA; __obref=ob-1");

        // Act
        var response = await app.CreateClient(https: true, host: "www.shop.example.co.uk").SendAsync(request);

        // Assert: host-only, then example.co.uk (where the SDK writes) down to the host; never the public suffix co.uk.
        var deleted = TestApp.SetCookies(response)
            .Select(c => c.Split("; ").FirstOrDefault(a => a.StartsWith("domain=", StringComparison.Ordinal)) is { } domain
                ? c[..c.IndexOf('=', StringComparison.Ordinal)] + "@" + domain["domain=".Length..]
                : c[..c.IndexOf('=', StringComparison.Ordinal)] + "@host-only")
            .ToList();
        Assert.Equal(
        [
            "__oppref@host-only", "__oppref@example.co.uk", "__oppref@shop.example.co.uk", "__oppref@www.shop.example.co.uk",
            "__obref@host-only", "__obref@example.co.uk", "__obref@shop.example.co.uk", "__obref@www.shop.example.co.uk",
        ], deleted);
        Assert.All(TestApp.SetCookies(response), c => Assert.Contains("max-age=0", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConsentWithdrawn_OnAMadeUpDeepHost_DeletesOnABoundedNumberOfDomains()
    {
        // Arrange: a Host header with 30 labels.
        await using var app = await StartWithCookiePolicyAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Cookie", "__obref=ob-1");
        var host = string.Concat(Enumerable.Repeat("a.", 28)) + "example.com";

        // Act
        var response = await app.CreateClient(host: host).SendAsync(request);

        // Assert: per cookie, host-only plus the registrable domain and the 7 levels below it.
        var setCookies = TestApp.SetCookies(response);
        Assert.Equal(2 * (1 + OaiqPixel.AspNetCore.Cookies.CookieDomains.MaxParentDomains), setCookies.Count);
        Assert.Contains("__obref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; domain=example.com; path=/; samesite=lax", setCookies);
    }

    [Fact]
    public async Task ConsentWithdrawn_OnAnIpAddress_DeletesHostOnlyCookiesOnly()
    {
        // Arrange
        await using var app = await StartWithCookiePolicyAsync(options => options.OpprefCookie.Domain = "example.com");
        var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Cookie", "__oppref=gAAAA");

        // Act
        var response = await app.CreateClient(host: "127.0.0.1").SendAsync(request);

        // Assert
        Assert.Equal(
        [
            "__oppref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/; samesite=lax",
            "__obref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/; samesite=lax",
        ], TestApp.SetCookies(response));
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
            PixelCall.Lines(document.QuerySelector("script")!.TextContent));
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
        Assert.Equal("oaiq(\"consent\",true);", PixelCall.Lines(document.QuerySelector("script")!.TextContent)[0]);
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
        Assert.Equal("oaiq(\"consent\",true);", PixelCall.Lines(granted.QuerySelector("script")!.TextContent)[0]);
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
