using System.Globalization;
using OaiqPixel.ReliabilityTests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.MultiplePixels;

/// <summary>
/// Issue 15's acceptance scenario: a pixel whose every request fails (503) beside a healthy pixel, through the real server
/// leg. The healthy pixel's full batches are delivered while the sender's clock stands still, and its last partial batch
/// after exactly one flush interval on that clock: 0 lost, no delay beyond one flush interval. The failing pixel loses
/// nothing either once its API recovers.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class FailingPixelBesideHealthyTests(ITestOutputHelper output)
{
    public const string Section = "7 Several pixels: one failing beside a healthy one (real sender per pixel, loopback fake API, the sender's clock driven by the test)";

    private const string Header =
        "| Scenario | Healthy sent | Healthy delivered | Healthy lost | Healthy delay on the sender's clock (flush interval) | Failing sent | Failing delivered after recovery | Failing lost | Requests (by pixel: status) |\n" +
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |";

    private const string FailingPixel = "px_failing";
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task FailingPixel_503Throughout_TheHealthyPixelLosesNothing_AndWaitsNoLongerThanOneFlushInterval()
    {
        // Arrange: the healthy pixel is the fake's primary one; the failing one shares the key and gets 503 for every request.
        var clock = new TimerTrackingTimeProvider(DateTimeOffset.UtcNow);
        var options = new FakeConversionsApiOptions { TimeProvider = clock };
        options.AdditionalPixels[FailingPixel] = options.ApiKey;
        await using var api = await FakeConversionsApi.StartAsync(options);
        api.FailPixel(FailingPixel, Fault.Status(503));
        var settings = ServerLegHost.Settings(api);
        settings["Oaiq:ConversionsApi:FlushInterval"] = FlushInterval.ToString("c", CultureInfo.InvariantCulture);
        settings["Oaiq:Pixels:0:PixelId"] = FailingPixel;
        await using var host = await ServerLegHost.StartAsync(configuration: settings, timeProvider: clock, api: api);
        var healthyPixel = api.PixelId;
        var started = clock.GetUtcNow();
        var healthy = Enumerable.Range(0, 10_250).Select(i => Events.Order(Events.Id("healthy_", i), started).ForPixel(healthyPixel)).ToList();
        var failing = Enumerable.Range(0, 2_000).Select(i => Events.Order(Events.Id("failing_", i), started).ForPixel(FailingPixel)).ToList();

        // Act 1: the failing pixel's events first, then 20 full batches for the healthy one; the clock stands still.
        var accepted = host.EnqueueAll(failing) + host.EnqueueAll(healthy.Take(10_000));
        await api.WaitForEventsAsync(10_000, TimeSpan.FromSeconds(60));
        var fullBatchesAt = clock.GetUtcNow();

        // Act 2: a partial batch: it goes when the flush interval has passed on the sender's clock, and no later.
        var flushTimers = clock.TimerDueTimes.Count(d => d == FlushInterval);
        accepted += host.EnqueueAll(healthy.Skip(10_000));
        await Wait.UntilAsync(() => clock.TimerDueTimes.Count(d => d == FlushInterval) > flushTimers, "the healthy pixel's flush timer for its partial batch");
        clock.Advance(FlushInterval);
        await api.WaitForEventsAsync(10_250, TimeSpan.FromSeconds(30));
        var healthyDelay = api.Requests.Where(r => r.PixelId == healthyPixel && r.StatusCode == 200).Max(r => r.ReceivedAt) - started;
        var healthyIds = api.EventIds.Count(id => id.StartsWith("healthy_", StringComparison.Ordinal));
        var failingBefore = api.EventIds.Count(id => id.StartsWith("failing_", StringComparison.Ordinal));

        // Act 3: the failing pixel's API recovers; its kept events go once its back-off ends on the driven clock.
        api.RestorePixel(FailingPixel);
        await Wait.TryUntilAsync(
            () =>
            {
                if (api.EventIds.Count(id => id.StartsWith("failing_", StringComparison.Ordinal)) >= failing.Count)
                {
                    return true;
                }

                clock.Advance(TimeSpan.FromMilliseconds(100));
                return false;
            },
            TimeSpan.FromSeconds(60));
        var failingDelivered = api.EventIds.Count(id => id.StartsWith("failing_", StringComparison.Ordinal));

        var statuses = string.Join(", ", api.Requests.GroupBy(r => (r.PixelId == healthyPixel ? "healthy" : "failing", r.StatusCode)).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key.Item1} {g.Key.StatusCode}×{g.Count()}")));
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| 503 for every request of one pixel until it recovers | {healthy.Count:N0} | {healthyIds:N0} | {healthy.Count - healthyIds:N0} | full batches {(fullBatchesAt - started).TotalMilliseconds:F0} ms, partial batch {healthyDelay.TotalMilliseconds:F0} ms ({FlushInterval.TotalMilliseconds:F0} ms) | {failing.Count:N0} | {failingDelivered:N0} (before: {failingBefore}) | {failing.Count - failingDelivered:N0} | {statuses} |");
        ReliabilityReport.AddRow(Section, Header, "01", row);
        output.WriteLine(Header);
        output.WriteLine(row);

        // Assert
        Assert.Equal(healthy.Count + failing.Count, accepted);
        Assert.Equal(started, fullBatchesAt);
        Assert.Equal(healthy.Count, healthyIds);
        Assert.True(healthyDelay <= FlushInterval, $"The healthy pixel's last event came {healthyDelay} after it was queued on the sender's clock, past one flush interval ({FlushInterval}).");
        Assert.Equal(0, failingBefore);
        Assert.Equal(failing.Count, failingDelivered);
        Assert.Contains(api.Requests, r => r.PixelId == FailingPixel && r.StatusCode == 503);
    }
}
