using System.Diagnostics;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiQueueTests
{
    [Fact]
    public async Task TryEnqueue_FullQueue_DropsCountsAndWarnsOnceWithoutBlocking()
    {
        // Arrange: the sender is not running, so nothing drains the queue.
        await using var h = await ServerLegHarness.StartAsync(o =>
        {
            o.ConversionsApi.MaxQueueSize = 100;
            o.ConversionsApi.MaxBatchSize = 100;
        }, startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        using var enqueued = h.Collect<long>("oaiq.events.enqueued");
        var events = TestEvents.Orders(10_000, DateTimeOffset.UtcNow);
        h.Sink.TryEnqueue(events[0]); // warm up

        // Act
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        var accepted = 1;
        foreach (var e in events.Skip(1))
        {
            var one = Stopwatch.StartNew();
            if (h.Sink.TryEnqueue(e))
            {
                accepted++;
            }

            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
        }

        total.Stop();

        // Assert
        Assert.Equal(100, accepted);
        Assert.Equal(100, h.Queue.Count);
        Assert.Equal(9_900, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "queue_full").Sum(m => m.Value));
        Assert.Equal(100, enqueued.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(1), $"10,000 TryEnqueue calls took {total.Elapsed}.");
        Assert.True(slowest < TimeSpan.FromMilliseconds(100), $"The slowest TryEnqueue took {slowest}.");
        var warning = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 103);
        Assert.Contains("100 events", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryEnqueue_NoApiKey_ReturnsFalseAndTheSenderSaysServerLegOffOnce()
    {
        await using var h = await ServerLegHarness.StartAsync(o => o.ConversionsApi.ApiKey = null);

        var accepted = h.Sink.TryEnqueue(TestEvents.Order("order_1", DateTimeOffset.UtcNow));
        await h.WaitForLogAsync(100);
        await Task.Delay(50);

        Assert.False(accepted);
        Assert.False(h.Queue.IsEnabled);
        var log = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 100);
        Assert.Contains("server leg off", log.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKey", log.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Api.TotalRequests);
    }

    [Fact]
    public async Task TryEnqueue_TrackingDisabled_ReturnsFalse()
    {
        await using var h = await ServerLegHarness.StartAsync(o => o.Enabled = false, startSender: false);

        Assert.False(h.Sink.TryEnqueue(TestEvents.Order("order_1", DateTimeOffset.UtcNow)));
        Assert.Equal("Oaiq:Enabled is false", h.Queue.OffReason);
    }
}
