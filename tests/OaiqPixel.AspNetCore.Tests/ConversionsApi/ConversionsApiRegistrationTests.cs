using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiRegistrationTests
{
    [Fact]
    public void AddOaiqConversionsApi_CalledTwice_AddsNothingMore()
    {
        var once = new ServiceCollection().AddOaiqConversionsApi();
        var twice = new ServiceCollection().AddOaiqConversionsApi().AddOaiqConversionsApi();

        Assert.Equal(once.Count, twice.Count);
        // With a key: without one the server leg is off and no sender is built (FeatureSwitchTests).
        twice.Configure<OaiqTrackingOptions>(o =>
        {
            o.PixelId = "px_1";
            o.ConversionsApi.ApiKey = "sk-test";
        });
        using var provider = twice.AddLogging().BuildServiceProvider();
        Assert.Single(provider.GetServices<IHostedService>().OfType<ConversionsApiSender>());
        Assert.Same(provider.GetRequiredService<ConversionEventQueue>(), provider.GetRequiredService<IConversionEventStore>());
        Assert.Same(provider.GetRequiredService<ConversionEventPipeline>(), provider.GetRequiredService<IConversionEventSink>());
    }

    [Fact]
    public void AddOaiqConversionsApi_StoreRegisteredBefore_IsKept_AndTheQueueStaysUnderItsKey()
    {
        var custom = new CapturingSink(accept: false);
        var services = new ServiceCollection().AddSingleton<IConversionEventStore>(custom).AddOaiqConversionsApi().AddLogging();

        using var provider = services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<IConversionEventStore>());
        Assert.Same(provider.GetRequiredService<ConversionEventQueue>(), provider.GetRequiredKeyedService<IConversionEventStore>(IConversionEventStore.InMemoryKey));
    }

    [Fact]
    public void Options_InvalidConversionsApiSettings_FailAtResolutionWithActionableMessage()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<OaiqTrackingOptions>().Configure(o =>
        {
            o.PixelId = "px_1";
            o.ConversionsApi.ApiKey = "sk-svcacct-x";
            o.ConversionsApi.MaxBatchSize = 5000;
        });
        services.AddOaiqConversionsApi();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OaiqTrackingOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("Oaiq:ConversionsApi:MaxBatchSize must be between 1 and 1000", StringComparison.Ordinal));
        Assert.DoesNotContain(ex.Failures, f => f.Contains("sk-svcacct-x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HealthCheck_ReportsHealthyWhenSendingAndDegradedWhenTheApiIsDown()
    {
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        var check = ActivatorUtilities.CreateInstance<ConversionsApiHealthCheck>(h.Services);
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("oaiq", check, HealthStatus.Degraded, null),
        };

        // Healthy after a delivery: the check reports the delivery once the sender has recorded it.
        h.EnqueueAll(TestEvents.Orders(3, DateTimeOffset.UtcNow));
        var before = await check.CheckHealthAsync(context);
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(3, TimeSpan.FromSeconds(10));
        HealthCheckResult healthy = default;
        await Wait.UntilAsync(
            async () => (healthy = await check.CheckHealthAsync(context)).Data.ContainsKey("last_success"),
            "the health check to report the delivery",
            () => Task.FromResult($"{healthy.Status}: {healthy.Description}"));
        Assert.Equal(HealthStatus.Healthy, before.Status);
        Assert.Contains("nothing sent yet", before.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Contains("is delivering", healthy.Description, StringComparison.Ordinal);

        // Degraded while the API refuses connections.
        await h.Api.StopListeningAsync();
        h.EnqueueAll(TestEvents.Orders(3, DateTimeOffset.UtcNow, "later_"));
        HealthCheckResult degraded = default;
        await Wait.UntilAsync(
            async () => (degraded = await check.CheckHealthAsync(context)).Status == HealthStatus.Degraded,
            "the health check to report the failing sends",
            () => Task.FromResult($"{degraded.Status}: {degraded.Description}"));

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("failed", degraded.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Api.ApiKey, degraded.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthChecksBuilder_AddOaiqConversionsApi_RegistersTheCheck()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<OaiqTrackingOptions>().Configure(o => o.PixelId = "px_1");
        services.AddHealthChecks().AddOaiqConversionsApi(tags: ["ready"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("oaiq_conversions_api", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Contains("server leg is off", entry.Value.Description, StringComparison.Ordinal);
        Assert.Contains("ready", entry.Value.Tags);
    }

    [Theory]
    [InlineData(HealthStatus.Degraded)]
    [InlineData(HealthStatus.Unhealthy)]
    public async Task HealthCheck_WithoutPixelId_SaysTrackingIsOff_AsDegradedNeverUnhealthy(HealthStatus failureStatus)
    {
        // Arrange: an API key but no pixel (a half-configured environment), bound from another section.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Tracking:ConversionsApi:ApiKey"] = "sk-svcacct-secret" })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddOaiqTracking(configuration.GetSection("Tracking"));
        services.AddHealthChecks().AddOaiqConversionsApi(failureStatus: failureStatus);
        await using var provider = services.BuildServiceProvider();

        // Act
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        // Assert: the site still serves; a readiness probe that fails on Unhealthy keeps it in rotation.
        var entry = Assert.Single(report.Entries);
        Assert.Equal(HealthStatus.Degraded, entry.Value.Status);
        Assert.Equal(
            "OpenAI Ads tracking is off: no Tracking:PixelId is set, so no pixel renders and no event is sent. Set it to the Pixel ID from Ads Manager (appsettings.json: \"Tracking\": { \"PixelId\": \"…\" }, or the environment variable Tracking__PixelId).",
            entry.Value.Description);
    }

    [Fact]
    public async Task HealthCheck_DisabledWithoutPixelId_IsHealthyAndOff()
    {
        // Arrange: tracking switched off on purpose needs no pixel and is not a problem.
        var services = new ServiceCollection().AddLogging();
        services.AddOaiqTracking(o => o.Enabled = false);
        services.AddHealthChecks().AddOaiqConversionsApi(failureStatus: HealthStatus.Unhealthy);
        await using var provider = services.BuildServiceProvider();

        // Act
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        // Assert
        var entry = Assert.Single(report.Entries);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal("The Conversions API server leg is off (OaiqTrackingOptions.Enabled is false).", entry.Value.Description);
    }

    [Fact]
    public async Task Send_UserAgentNamesThePackageVersion()
    {
        // Arrange: the package version comes from git (MinVer), e.g. 0.1.0-alpha.0.67; the assembly version is only 0.0.0.0.
        await using var h = await ServerLegHost.StartAsync();
        var version = typeof(ConversionsApiOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        // Act
        h.EnqueueAll(TestEvents.Orders(1, DateTimeOffset.UtcNow));
        var request = Assert.Single(await h.Api.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10)));

        // Assert
        Assert.Equal("OaiqPixel/" + version.Split('+')[0], request.UserAgent);
        Assert.Matches(@"^OaiqPixel/[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$", request.UserAgent);
    }
}
