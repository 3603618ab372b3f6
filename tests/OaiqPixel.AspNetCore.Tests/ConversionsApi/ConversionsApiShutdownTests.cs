namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiShutdownTests
{
    [Fact]
    public async Task StopAsync_TenThousandQueued_DrainsEveryEventWithinShutdownTimeout()
    {
        // Arrange: a flush interval of an hour, so the last partial batch goes out only because of the shutdown.
        await using var h = await ServerLegHost.StartAsync(o =>
        {
            o.ConversionsApi.MaxQueueSize = 10_000;
            o.ConversionsApi.MaxBatchSize = 1000;
            o.ConversionsApi.FlushInterval = TimeSpan.FromHours(1);
            o.ConversionsApi.ShutdownTimeout = TimeSpan.FromSeconds(15);
        }, startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        var events = TestEvents.Orders(9_999, DateTimeOffset.UtcNow);
        Assert.Equal(9_999, h.EnqueueAll(events));

        // Act
        await h.StartSenderAsync();
        await h.StopAsync();

        // Assert: within ShutdownTimeout means the drain ended by itself: it says so (120, counting at least the last
        // partial batch, which only the stop could send) and the deadline's path (119, drops for "shutdown") never ran.
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        var stopped = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 120);
        Assert.InRange(long.Parse(stopped.StructuredState!.Single(kv => kv.Key == "Count").Value!, System.Globalization.CultureInfo.InvariantCulture), 999, 9_999);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), r => r.Id.Id == 119);
        Assert.Empty(dropped.GetMeasurementSnapshot());

        // After the stop the queue refuses events (counted as dropped at shutdown).
        Assert.False(h.Sink.TryEnqueue(TestEvents.Order("late", DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task StopAsync_ApiDown_GivesUpAtShutdownTimeoutAndCountsTheLoss()
    {
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.ShutdownTimeout = TimeSpan.FromSeconds(1), startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        await h.Api.StopListeningAsync();
        h.EnqueueAll(TestEvents.Orders(250, DateTimeOffset.UtcNow));

        await h.StartSenderAsync();
        await h.StopAsync(TimeSpan.FromSeconds(30));

        // Gave up at its own 1 s ShutdownTimeout, not at the host's 30 s deadline (which would have thrown): the loss is
        // counted and logged at 119 with that timeout, and the sender never reported a finished drain (120).
        Assert.Equal(250, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.drop.reason"] == "shutdown").Sum(m => m.Value));
        var lost = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 119);
        Assert.Contains("250", lost.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:01", lost.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), r => r.Id.Id == 120);
        Assert.Empty(h.Api.Events);
    }

    [Fact]
    public async Task StopAsync_AgainAfterTheProviderIsDisposed_IsANoOpAndNothingQueuedIsLost()
    {
        // Minimal hosting's entry point and WebApplicationFactory can both stop the same host; the second stop arrives
        // after the provider (and so the sender) is disposed.
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.ShutdownTimeout = TimeSpan.FromSeconds(5), startSender: false);
        var events = TestEvents.Orders(20, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);
        await h.StartSenderAsync();
        await h.StopAsync();

        h.Sender.Dispose();
        var again = await Record.ExceptionAsync(() => h.Sender.StopAsync(CancellationToken.None));

        Assert.Null(again);
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
    }
}
