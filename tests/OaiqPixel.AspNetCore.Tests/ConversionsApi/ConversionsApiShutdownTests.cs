using System.Diagnostics;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiShutdownTests
{
    [Fact]
    public async Task StopAsync_TenThousandQueued_DrainsEveryEventWithinShutdownTimeout()
    {
        // Arrange: a flush interval of an hour, so the last partial batch goes out only because of the shutdown.
        await using var h = await ServerLegHarness.StartAsync(o =>
        {
            o.ConversionsApi.MaxQueueSize = 10_000;
            o.ConversionsApi.MaxBatchSize = 1000;
            o.ConversionsApi.FlushInterval = TimeSpan.FromHours(1);
            o.ConversionsApi.ShutdownTimeout = TimeSpan.FromSeconds(15);
        }, startSender: false);
        var events = TestEvents.Orders(9_999, DateTimeOffset.UtcNow);
        Assert.Equal(9_999, h.EnqueueAll(events));

        // Act
        await h.StartSenderAsync();
        var stopwatch = Stopwatch.StartNew();
        await h.StopSenderAsync();
        stopwatch.Stop();

        // Assert
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"Draining took {stopwatch.Elapsed}.");
        Assert.False(h.Sink.TryEnqueue(TestEvents.Order("late", DateTimeOffset.UtcNow)));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 120);
    }

    [Fact]
    public async Task StopAsync_ApiDown_GivesUpAtShutdownTimeoutAndCountsTheLoss()
    {
        await using var h = await ServerLegHarness.StartAsync(o => o.ConversionsApi.ShutdownTimeout = TimeSpan.FromSeconds(1), startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        await h.Api.StopListeningAsync();
        h.EnqueueAll(TestEvents.Orders(250, DateTimeOffset.UtcNow));

        await h.StartSenderAsync();
        var stopwatch = Stopwatch.StartNew();
        await h.StopSenderAsync();
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), $"Stopping took {stopwatch.Elapsed} with a 1 s shutdown timeout.");
        Assert.Equal(250, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.drop.reason"] == "shutdown").Sum(m => m.Value));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 119 && r.Message.Contains("250", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StopAsync_AgainAfterTheProviderIsDisposed_IsANoOpAndNothingQueuedIsLost()
    {
        // Minimal hosting's entry point and WebApplicationFactory can both stop the same host; the second stop arrives
        // after the provider (and so the sender) is disposed.
        await using var h = await ServerLegHarness.StartAsync(o => o.ConversionsApi.ShutdownTimeout = TimeSpan.FromSeconds(5), startSender: false);
        var events = TestEvents.Orders(20, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);
        await h.StartSenderAsync();
        await h.StopSenderAsync();

        h.Sender.Dispose();
        var again = await Record.ExceptionAsync(() => h.Sender.StopAsync(CancellationToken.None));

        Assert.Null(again);
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
    }
}
