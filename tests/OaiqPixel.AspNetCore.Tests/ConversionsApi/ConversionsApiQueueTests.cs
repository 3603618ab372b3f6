using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiQueueTests
{
    [Fact]
    public async Task TryEnqueue_FullQueue_DropsCountsAndWarnsOnceWithoutBlocking()
    {
        // Arrange: the sender is not running, so nothing drains the queue.
        await using var h = await ServerLegHost.StartAsync(o =>
        {
            o.ConversionsApi.MaxQueueSize = 100;
            o.ConversionsApi.MaxBatchSize = 100;
        }, startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        using var enqueued = h.Collect<long>("oaiq.events.enqueued");
        var events = TestEvents.Orders(10_000, DateTimeOffset.UtcNow);

        // Act: nothing drains the queue, so a TryEnqueue that waited for room would never return.
        var accepted = 0;
        var enqueueing = Task.Run(() =>
        {
            foreach (var e in events)
            {
                if (h.Sink.TryEnqueue(e))
                {
                    accepted++;
                }
            }
        });
        await Wait.UntilAsync(() => enqueueing.IsCompleted, "TryEnqueue to return on a full queue that nothing drains (it blocked)");

        // Assert
        await enqueueing;
        Assert.Equal(100, accepted);
        Assert.Equal(100, h.Queue.Count);
        Assert.Equal(9_900, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.drop.reason"] == "queue_full").Sum(m => m.Value));
        Assert.Equal(100, enqueued.GetMeasurementSnapshot().Sum(m => m.Value));
        var warning = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 103);
        Assert.Contains("100 events", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryEnqueue_NoApiKey_ReturnsFalseAndTheSenderSaysServerLegOffOnce()
    {
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.ApiKey = null);

        var accepted = h.Sink.TryEnqueue(TestEvents.Order("order_1", DateTimeOffset.UtcNow));
        await h.WaitForLogAsync(100);

        // Stopping waits for the sender's loop to end, so every line it was going to log is in by then.
        await h.StopAsync();

        Assert.False(accepted);
        Assert.False(h.Sink.IsEnabled);
        var log = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 100);
        Assert.Contains("server leg off", log.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKey", log.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Api.TotalRequests);
    }

    [Fact]
    public async Task TryEnqueue_TrackingDisabled_ReturnsFalse()
    {
        await using var h = await ServerLegHost.StartAsync(o => o.Enabled = false, startSender: false);

        Assert.False(h.Sink.TryEnqueue(TestEvents.Order("order_1", DateTimeOffset.UtcNow)));
        Assert.Equal("Oaiq:Enabled is false", Assert.IsType<ConversionEventPipeline>(h.Sink).OffReason);
    }
}
