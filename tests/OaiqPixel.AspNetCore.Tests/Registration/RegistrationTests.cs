using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Registration;

public sealed class RegistrationTests
{
    [Fact]
    public void AddOaiqTracking_CalledTwice_RegistersNothingMore()
    {
        // Arrange
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Oaiq:PixelId"] = "px" }).Build();

        // Act
        services.AddOaiqTracking(configuration.GetSection("Oaiq"));
        var once = services.Select(Describe).ToList();
        services.AddOaiqTracking(configuration.GetSection("Oaiq"));
        services.AddOaiqTracking();

        // Assert
        Assert.Equal(once, services.Select(Describe).ToList());
        Assert.Single(services, d => d.ServiceType == typeof(IConversionTracker));
        Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
    }

    [Fact]
    public void AddOaiqTracking_NullArguments_Throw()
    {
        IServiceCollection services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddOaiqTracking());
        Assert.Throws<ArgumentNullException>(() => services.AddOaiqTracking((Action<OaiqTrackingOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => services.AddOaiqTracking((IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => services.AddOaiqTracking(new ConfigurationBuilder().Build(), null!));
    }

    [Fact]
    public void AddOaiqTracking_BindsTheSectionThenAppliesTheDelegate()
    {
        // Arrange
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oaiq:PixelId"] = "px_cfg",
            ["Oaiq:Debug"] = "true",
            ["Oaiq:SdkUrl"] = "/_oaiq/sdk.js",
            ["Oaiq:AutoPageView"] = "false",
            ["Oaiq:ConsentMode"] = "AlwaysGranted",
            ["Oaiq:OpprefCookie:MaxAge"] = "7.00:00:00",
            ["Oaiq:OpprefCookie:Domain"] = "example.com",
            ["Oaiq:ConversionsApi:ValidateOnly"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);

        // Act
        services.AddOaiqTracking(options => options.NoScriptFallback = true);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<OaiqTrackingOptions>>().Value;

        // Assert
        Assert.Equal("px_cfg", options.PixelId);
        Assert.True(options.Debug);
        Assert.Equal("/_oaiq/sdk.js", options.SdkUrl);
        Assert.False(options.AutoPageView);
        Assert.Equal(OaiqConsentMode.AlwaysGranted, options.ConsentMode);
        Assert.Equal(TimeSpan.FromDays(7), options.OpprefCookie.MaxAge);
        Assert.Equal("example.com", options.OpprefCookie.Domain);
        Assert.True(options.ConversionsApi.ValidateOnly);
        Assert.True(options.NoScriptFallback);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new OaiqTrackingOptions();
        Assert.True(options.Enabled);
        Assert.Equal("https://bzrcdn.openai.com/sdk/oaiq.min.js", options.SdkUrl);
        Assert.True(options.AutoPageView);
        Assert.Equal(OaiqConsentMode.UseTrackingConsentFeature, options.ConsentMode);
        Assert.Equal(TimeSpan.FromDays(30), options.OpprefCookie.MaxAge);
        Assert.Null(options.OpprefCookie.Domain);
        Assert.False(options.NoScriptFallback);
    }

    [Theory]
    [InlineData("px id", null, null, "OaiqTrackingOptions.PixelId must be the Pixel ID")]
    [InlineData("px_012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345", null, null, "OaiqTrackingOptions.PixelId must be the Pixel ID")]
    [InlineData("px", "javascript:alert(1)", null, "OaiqTrackingOptions.SdkUrl must be an absolute http(s) URL")]
    [InlineData("px", "//evil.example/sdk.js", null, "OaiqTrackingOptions.SdkUrl")]
    [InlineData("px", null, "0", "OaiqTrackingOptions.OpprefCookie.MaxAge must be between")]
    public async Task Start_InvalidOptionsSetInCode_FailsWithAMessageSayingWhatToSet(string? pixelId, string? sdkUrl, string? maxAgeDays, string expected)
    {
        // Arrange
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Services.AddOaiqTracking(options =>
        {
            options.PixelId = pixelId;
            if (sdkUrl is not null)
            {
                options.SdkUrl = sdkUrl;
            }

            if (maxAgeDays is not null)
            {
                options.OpprefCookie.MaxAge = TimeSpan.FromDays(int.Parse(maxAgeDays));
            }
        });
        await using var app = builder.Build();

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task Start_WithoutPixelId_ServesPagesUntracked()
    {
        // Arrange: a staging or CI run without the tracking secrets.
        await using var app = await TestApp.StartAsync(options => options.PixelId = null);
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), eventId: "lead_untracked");
        using var client = app.CreateClient();

        // Act
        var response = await client.GetAsync("/page?oppref=gAAAAAlanding");

        // Assert: the page works; no pixel, no __oppref cookie, nothing recorded; one warning said so at start-up.
        Assert.Empty((await TestApp.ParseAsync(response)).QuerySelectorAll("script"));
        Assert.Empty(TestApp.SetCookies(response));
        Assert.Empty(app.Sink.Events);
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 70 && r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Start_DisabledWithoutPixelId_Starts()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(options =>
        {
            options.Enabled = false;
            options.PixelId = null;
        });

        // Act
        var response = await app.CreateClient().GetAsync("/page");

        // Assert
        Assert.Empty((await TestApp.ParseAsync(response)).QuerySelectorAll("script"));
    }

    [Fact]
    public void UseOaiqTracking_WithoutAddOaiqTracking_ThrowsNamingAddOaiqTracking()
    {
        // Arrange
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();

        // Act
        var ex = Assert.Throws<InvalidOperationException>(() => app.UseOaiqTracking());

        // Assert
        Assert.Contains("AddOaiqTracking", ex.Message);
    }

    [Fact]
    public void ScopedFeature_OutsideARequest_IsInactive()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(options => options.PixelId = "px");
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        // Act
        var feature = scope.ServiceProvider.GetRequiredService<IOaiqTrackingFeature>();

        // Assert
        Assert.False(feature.IsActive);
    }

    [Fact]
    public void Tracker_OutsideARequest_HandsTheEventToTheSinkWithTheBackgroundActionSource()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(options =>
        {
            options.PixelId = "px";
            options.ConversionsApi.ApiKey = "sk-test";
            options.BackgroundActionSource = ActionSource.Offline;
        });
        var sink = new CapturingSink();
        services.AddSingleton<IConversionEventStore>(sink);
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        // Act
        var id = scope.ServiceProvider.GetRequiredService<IConversionTracker>().Track(OaiqEvent.LeadCreated(), "crm_7", UserData.FromEmail("a@b.example"));

        // Assert
        Assert.Equal("crm_7", id);
        var e = Assert.Single(sink.Events);
        Assert.Equal(ActionSource.Offline, e.ActionSource);
        Assert.Null(e.SourceUrl);
        Assert.Single(e.User!.EmailsSha256);
    }

    [Fact]
    public void Tracker_InvalidEventId_Throws()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(options => options.PixelId = "px");
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var tracker = scope.ServiceProvider.GetRequiredService<IConversionTracker>();

        Assert.Throws<ArgumentException>(() => tracker.Track(OaiqEvent.LeadCreated(), "has space"));
        Assert.Throws<ArgumentNullException>(() => tracker.Track(null!));
    }

    [Fact]
    public async Task Middleware_FastPath_DoesNotCreateAContext()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(options => options.PixelId = "px");
        await using var provider = services.BuildServiceProvider();
        var middleware = ActivatorUtilities.CreateInstance<OaiqTrackingMiddleware>(provider, (RequestDelegate)(_ => Task.CompletedTask));
        var plain = new DefaultHttpContext { RequestServices = provider };
        plain.Request.Headers.Cookie = "session=abc";
        var landing = new DefaultHttpContext { RequestServices = provider };
        landing.Request.QueryString = new QueryString("?oppref=gAAAA");

        // Act
        await middleware.InvokeAsync(plain);
        await middleware.InvokeAsync(landing);

        // Assert
        Assert.Null(plain.Features.Get<IOaiqTrackingFeature>());
        Assert.Equal(0, plain.Response.Headers.SetCookie.Count);
        Assert.Equal("gAAAA", landing.Features.Get<IOaiqTrackingFeature>()!.Oppref);
        Assert.Equal("__oppref=gAAAA; max-age=2592000; path=/; samesite=lax", landing.Response.Headers.SetCookie.ToString());
    }

    private static string Describe(ServiceDescriptor d) =>
        $"{d.ServiceType.FullName}|{d.Lifetime}|{d.ImplementationType?.FullName}|{d.ImplementationInstance?.GetType().FullName}|{d.ImplementationFactory?.Method.Name}";
}
