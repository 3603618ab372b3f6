using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.ConversionsApi;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.MultiplePixels;

/// <summary>
/// The server leg with several pixels: each pixel's requests carry its own <c>pid</c> and key (spec §4.1), and one
/// pixel's trouble — here a refused key with a back-off the fake clock never reaches — never delays or drops another's.
/// </summary>
public sealed class MultiplePixelsServerLegTests
{
    private const string Healthy = "px_healthy";
    private const string HealthyKey = "sk-svcacct-healthy";
    private const string Refused = "px_refused";

    [Fact]
    public async Task OnePixelsKeyRefused_TheOtherPixelsEventsAreAllDeliveredWithoutWaitingOnItsBackOff()
    {
        // Arrange: the refused pixel backs off for 5 minutes on a clock that never moves; a delivery for the healthy pixel
        // can only come from its own loop, not from the refused pixel's wait running out.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var apiOptions = new FakeConversionsApiOptions { AdditionalPixels = { [Healthy] = HealthyKey, [Refused] = "sk-svcacct-right-key" } };
        await using var h = await ServerLegHost.StartAsync(
            o =>
            {
                o.PixelId = null;
                o.Pixels.Add(new OaiqPixelOptions { PixelId = Refused, ApiKey = "sk-proj-wrong-key" });
                o.Pixels.Add(new OaiqPixelOptions { PixelId = Healthy, ApiKey = HealthyKey });
                o.ConversionsApi.MaxBatchSize = 10; // a full batch goes at once: the flush interval would wait on the fake clock
                o.ConversionsApi.BackoffDelay = TimeSpan.FromMinutes(5);
                o.ConversionsApi.MaxBackoffDelay = TimeSpan.FromMinutes(5);
            },
            timeProvider: time,
            apiOptions: apiOptions,
            startSender: false);
        var refused = TestEvents.Orders(10, time.GetUtcNow(), "refused_").Select(e => e.ForPixel(Refused)).ToList();
        var healthy = TestEvents.Orders(20, time.GetUtcNow(), "healthy_").Select(e => e.ForPixel(Healthy)).ToList();
        using var sent = h.Collect<long>("oaiq.events.sent");

        // Act: the refused pixel's events go first, so a shared loop would be stuck in their back-off.
        h.EnqueueAll(refused);
        h.EnqueueAll(healthy);
        await h.StartSenderAsync();
        var delivered = await h.Api.WaitForEventsAsync(20, TimeSpan.FromSeconds(10));
        await h.WaitForLogAsync(114);

        // Assert
        Assert.Equal(healthy.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        Assert.All(h.Api.Requests.Where(r => r.StatusCode == 200), r => Assert.Equal(Healthy, r.PixelId));
        Assert.All(h.Api.Requests.Where(r => r.PixelId == Refused), r => Assert.Equal(401, r.StatusCode));
        Assert.All(h.Api.Requests, r => Assert.Equal("Bearer " + (r.PixelId == Healthy ? HealthyKey : "sk-proj-wrong-key"), r.Authorization));
        Assert.Equal(20, delivered.Count);
        // The sender counts a batch once it has read the answer, after the fake API has the events: wait for the count.
        long SentToHealthy() => sent.GetMeasurementSnapshot().Where(m => (string?)m.Tags[ConversionsApiInstrumentation.PixelAttribute] == Healthy).Sum(m => m.Value);
        await Wait.UntilAsync(() => SentToHealthy() >= 20, "20 events counted as sent to the healthy pixel", () => SentToHealthy().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(20, SentToHealthy());
        h.AssertNoSecretsLogged("sk-proj-wrong-key");
        h.AssertNoSecretsLogged(HealthyKey);

        var health = await HealthAsync(h);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("pixel px_refused: the last", health.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("pixel px_healthy", health.Description, StringComparison.Ordinal);
        Assert.Equal(10, h.Services.GetRequiredService<ConversionEventQueue>().Lanes.Single(l => l.PixelId == Refused).Pending);
    }

    [Fact]
    public async Task OneEventForTwoPixels_ReachesEachPixelWithTheSameIdAndItsOwnKey()
    {
        // Arrange
        var apiOptions = new FakeConversionsApiOptions { AdditionalPixels = { [Healthy] = HealthyKey } };
        await using var h = await ServerLegHost.StartAsync(
            o => o.Pixels.Add(new OaiqPixelOptions { PixelId = Healthy, ApiKey = HealthyKey }),
            apiOptions: apiOptions);

        // Act: an event not aimed at one pixel, outside a request, goes to every configured pixel.
        Assert.True(h.Sink.TryEnqueue(TestEvents.Order("order_shared", DateTimeOffset.UtcNow)));
        await h.Api.WaitForEventsAsync(2, TimeSpan.FromSeconds(10));

        // Assert
        var requests = h.Api.Requests.Where(r => r.StatusCode == 200).ToList();
        Assert.Equal(new HashSet<string?> { h.Api.PixelId, Healthy }, requests.Select(r => r.PixelId).ToHashSet());
        Assert.All(h.Api.Events, e => Assert.Equal("order_shared", e.GetProperty("id").GetString()));
        Assert.Equal("Bearer " + HealthyKey, requests.Single(r => r.PixelId == Healthy).Authorization);
        Assert.Equal("Bearer " + h.Api.ApiKey, requests.Single(r => r.PixelId == h.Api.PixelId).Authorization);
    }

    [Fact]
    public async Task PixelWithoutKey_ItsEventsAreRefusedOnceWarned_WhileAnotherPixelsAreQueued()
    {
        // Arrange: a browser-only pixel (no key of its own, and no shared key).
        await using var h = await ServerLegHost.StartAsync(
            o =>
            {
                o.Pixels.Add(new OaiqPixelOptions { PixelId = Healthy, ApiKey = HealthyKey });
                o.Pixels.Add(new OaiqPixelOptions { PixelId = "px_browser_only" });
                o.ConversionsApi.ApiKey = null;
                o.PixelId = null;
            },
            startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");

        // Act
        var first = h.Sink.TryEnqueue(TestEvents.Order("o1", DateTimeOffset.UtcNow).ForPixel("px_browser_only"));
        var second = h.Sink.TryEnqueue(TestEvents.Order("o2", DateTimeOffset.UtcNow).ForPixel("px_browser_only"));
        var healthyAccepted = h.Sink.TryEnqueue(TestEvents.Order("o3", DateTimeOffset.UtcNow).ForPixel(Healthy));

        // Assert
        Assert.Equal((false, false, true), (first, second, healthyAccepted));
        Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 130 && r.Message.Contains("px_browser_only", StringComparison.Ordinal));
        Assert.Equal(2, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags[ConversionsApiInstrumentation.DropReasonAttribute] == DropReason.NoApiKey).Sum(m => m.Value));
    }

    [Fact]
    public async Task ResolverOnly_SenderStartLog_SaysTheResolverNamesThePixels_AndAKeylessPixelsWarningNamesFindPixel()
    {
        // Arrange: no configured pixel, a resolver that knows one pixel with a key and one without; no shared key.
        await using var h = await ServerLegHost.StartAsync(
            o =>
            {
                o.PixelId = null;
                o.ConversionsApi.ApiKey = null;
            },
            tracking: b => b.AddPixelResolver<TenantResolver>());

        // Act
        h.Sink.TryEnqueue(TestEvents.Order("t1", DateTimeOffset.UtcNow).ForPixel("px_tenant_nokey"));

        // Assert: the sender's loop logs as it starts, in the background.
        var started = await h.WaitForLogAsync(101);
        Assert.Contains("pixels as the pixel resolver names them", started.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(null)", started.Message, StringComparison.Ordinal);
        Assert.Contains("v1/events?pid={pixel}", started.Message, StringComparison.Ordinal);
        var keyless = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 130);
        Assert.Contains("px_tenant_nokey", keyless.Message, StringComparison.Ordinal);
        Assert.Contains("FindPixel", keyless.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredPixels_SenderStartLog_ListsEach()
    {
        await using var h = await ServerLegHost.StartAsync(o => o.Pixels.Add(new OaiqPixelOptions { PixelId = Healthy, ApiKey = HealthyKey }));

        var started = await h.WaitForLogAsync(101);
        Assert.Contains($"pixels {h.Api.PixelId}, {Healthy},", started.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PixelMetricTags_PastTheCap_AreOther()
    {
        // Arrange
        var options = Microsoft.Extensions.Options.Options.Create(new OaiqTrackingOptions { PixelId = "px_configured" });
        var tags = new PixelMetricTags(options);

        // Act
        var seen = Enumerable.Range(0, PixelMetricTags.MaxDistinct + 5).Select(i => tags.Tag("px_tenant_" + i)).ToList();

        // Assert
        Assert.Equal("px_configured", tags.Tag("px_configured"));
        Assert.Equal(PixelMetricTags.MaxDistinct - 1, seen.Count(t => t != PixelMetricTags.Other));
        Assert.Equal("px_tenant_0", seen[0]);
        Assert.Equal(PixelMetricTags.Other, seen[^1]);
    }

    private static Task<HealthCheckResult> HealthAsync(ServerLegHost h)
    {
        var check = ActivatorUtilities.CreateInstance<ConversionsApiHealthCheck>(h.Services);
        return check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("oaiq", check, HealthStatus.Degraded, null) });
    }

    private sealed class TenantResolver : IOaiqPixelResolver
    {
        private static readonly OaiqPixelOptions[] s_pixels = [new() { PixelId = "px_tenant_nokey" }];

        public IReadOnlyList<OaiqPixelOptions> GetPixels(Microsoft.AspNetCore.Http.HttpContext httpContext) => s_pixels;

        public OaiqPixelOptions? FindPixel(string pixelId) => s_pixels.FirstOrDefault(p => p.PixelId == pixelId);
    }
}
