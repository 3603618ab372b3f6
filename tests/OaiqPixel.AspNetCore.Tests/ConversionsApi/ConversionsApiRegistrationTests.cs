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
        twice.Configure<OaiqTrackingOptions>(o => o.PixelId = "px_1");
        using var provider = twice.AddLogging().BuildServiceProvider();
        Assert.Single(provider.GetServices<IHostedService>().OfType<ConversionsApiSender>());
        Assert.Same(provider.GetRequiredService<ConversionEventQueue>(), provider.GetRequiredService<IConversionEventSink>());
    }

    [Fact]
    public void AddOaiqConversionsApi_SinkRegisteredBefore_IsKept()
    {
        var custom = new CapturingSink(accept: false);
        var services = new ServiceCollection().AddSingleton<IConversionEventSink>(custom).AddOaiqConversionsApi().AddLogging();

        using var provider = services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<IConversionEventSink>());
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
}
