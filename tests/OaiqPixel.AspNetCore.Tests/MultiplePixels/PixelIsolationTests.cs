using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore.Tests.ConversionsApi;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.MultiplePixels;

/// <summary>
/// One pixel's poison event or 5xx outage beside a healthy pixel: the healthy pixel's events are delivered without the
/// clock moving at all (so within one flush interval), in requests of their own; the failing pixel recovers alone.
/// </summary>
public sealed class PixelIsolationTests
{
    private const string Healthy = "px_healthy";
    private const string Failing = "px_failing";
    private const string Key = "sk-svcacct-shared";

    [Fact]
    public async Task OnePixelsPoisonEvent_IsDeadLetteredAlone_TheOtherPixelsBatchGoesInOneRequest()
    {
        // Arrange: every event whose id starts with "poison_" is refused (the whole batch gets a 400).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var started = time.GetUtcNow();
        var apiOptions = ApiOptions();
        apiOptions.PoisonEvent = e => e.GetProperty("id").GetString()!.StartsWith("poison_", StringComparison.Ordinal);
        await using var h = await ServerLegHost.StartAsync(TwoPixels(batch: 10), timeProvider: time, apiOptions: apiOptions, startSender: false);
        var failing = TestEvents.Orders(9, time.GetUtcNow(), "failing_").Append(TestEvents.Order("poison_1", time.GetUtcNow())).Select(e => e.ForPixel(Failing)).ToList();
        var healthy = TestEvents.Orders(10, time.GetUtcNow(), "healthy_").Select(e => e.ForPixel(Healthy)).ToList();

        // Act
        h.EnqueueAll(failing);
        h.EnqueueAll(healthy);
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(19, TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => h.DeadLetters.Count == 1, "the poison event dead-lettered");

        // Assert: the clock never moved, so the healthy pixel waited on nothing; one request of its own, accepted.
        Assert.Equal(started, time.GetUtcNow());
        var healthyRequests = h.Api.Requests.Where(r => r.PixelId == Healthy).ToList();
        Assert.Equal([200], healthyRequests.Select(r => r.StatusCode));
        Assert.Equal(healthy.Select(e => e.Id).Concat(failing.Take(9).Select(e => e.Id)).Order(), h.Api.EventIds.Order());
        Assert.Equal("poison_1", Assert.Single(h.DeadLetters).Record.Id);
        Assert.Contains(h.Api.Requests, r => r.PixelId == Failing && r.StatusCode == 400);
    }

    [Fact]
    public async Task OnePixelsOutage_TheOtherPixelsEventsAreAllDelivered_ThenTheFailingPixelsOnceItRecovers()
    {
        // Arrange: every request for the failing pixel gets a 503; its retries wait on a clock that does not move.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHost.StartAsync(TwoPixels(batch: 10), timeProvider: time, apiOptions: ApiOptions(), startSender: false);
        h.Api.FailPixel(Failing, Fault.Status(503));
        var started = time.GetUtcNow();
        var failing = TestEvents.Orders(10, started, "failing_").Select(e => e.ForPixel(Failing)).ToList();
        var healthy = TestEvents.Orders(20, started, "healthy_").Select(e => e.ForPixel(Healthy)).ToList();

        // Act
        h.EnqueueAll(failing);
        h.EnqueueAll(healthy);
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(20, TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => h.Api.Requests.Any(r => r.PixelId == Failing && r.StatusCode == 503), "the failing pixel's first 503");

        // Assert: all of the healthy pixel's events, with no clock time spent (well within one flush interval).
        Assert.Equal(started, time.GetUtcNow());
        Assert.Equal(healthy.Select(e => e.Id).Order(), h.Api.EventIds.Order());
        Assert.All(h.Api.Requests.Where(r => r.PixelId == Healthy), r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(10, h.Queue.Lanes.Single(l => l.PixelId == Failing).Pending);

        // Sibling: the failing pixel's outage ends; moving its clock on delivers every one of its events, none lost.
        h.Api.RestorePixel(Failing);
        await Wait.UntilAsync(
            () =>
            {
                if (h.Api.EventIds.Count == 30)
                {
                    return true;
                }

                time.Advance(TimeSpan.FromSeconds(1));
                return false;
            },
            "the failing pixel's events after it recovered",
            () => h.Api.EventIds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(healthy.Concat(failing).Select(e => e.Id).Order(), h.Api.EventIds.Order());
    }

    private static FakeConversionsApiOptions ApiOptions() => new() { AdditionalPixels = { [Healthy] = Key, [Failing] = Key } };

    private static Action<OaiqTrackingOptions> TwoPixels(int batch) => o =>
    {
        o.PixelId = null;
        o.ConversionsApi.ApiKey = null;
        o.Pixels.Add(new OaiqPixelOptions { PixelId = Failing, ApiKey = Key });
        o.Pixels.Add(new OaiqPixelOptions { PixelId = Healthy, ApiKey = Key });
        o.ConversionsApi.MaxBatchSize = batch; // a full batch goes at once: the flush interval would wait on the fake clock
    };
}
