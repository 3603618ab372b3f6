using System.Diagnostics;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiMetricsTests
{
    [Fact]
    public async Task QueueLength_CountsTheBatchTheSenderIsStillFilling()
    {
        // Arrange: a long flush interval, so 10 events sit in the sender's batch, out of the channel, undelivered.
        await using var h = await ServerLegHarness.StartAsync(
            o =>
            {
                o.ConversionsApi.MaxBatchSize = 50;
                o.ConversionsApi.FlushInterval = TimeSpan.FromHours(1);
            },
            startSender: false);
        using var queueLength = h.Collect<int>("oaiq.queue.length");
        h.EnqueueAll(TestEvents.Orders(10, DateTimeOffset.UtcNow));

        // Act
        await h.StartSenderAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (h.Queue.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        // Assert
        Assert.Equal(0, h.Queue.Count);
        queueLength.RecordObservableInstruments();
        Assert.Equal(10, queueLength.LastMeasurement?.Value);
        Assert.Empty(h.Api.Events);
    }

    [Fact]
    public async Task Send_RecordsEnqueuedSentBatchesDurationQueueLengthAndASpanPerBatch()
    {
        // Arrange
        await using var h = await ServerLegHarness.StartAsync(o => o.ConversionsApi.MaxBatchSize = 50, startSender: false);
        using var enqueued = h.Collect<long>("oaiq.events.enqueued");
        using var sent = h.Collect<long>("oaiq.events.sent");
        using var batches = h.Collect<long>("oaiq.batches");
        using var duration = h.Collect<double>("oaiq.send.duration");
        using var queueLength = h.Collect<int>("oaiq.queue.length");
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "OaiqPixel",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) { activities.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        h.EnqueueAll(TestEvents.Orders(120, DateTimeOffset.UtcNow));
        queueLength.RecordObservableInstruments();
        Assert.Equal(120, queueLength.LastMeasurement?.Value);

        // Act
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(120, TimeSpan.FromSeconds(10));
        await h.StopSenderAsync();

        // Assert
        Assert.Equal(120, enqueued.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(120, sent.GetMeasurementSnapshot().Sum(m => m.Value));
        var batchMeasurements = batches.GetMeasurementSnapshot();
        Assert.True(batchMeasurements.Count == 3, string.Join(", ", batchMeasurements.Select(m => m.Tags["oaiq.send.outcome"])) + " / " + string.Join(", ", h.Api.Requests.Select(r => r.EventCount + ":" + r.StatusCode)));
        Assert.All(batchMeasurements, m => Assert.Equal("delivered", m.Tags["oaiq.send.outcome"]));
        Assert.Equal(3, duration.GetMeasurementSnapshot().Count);
        queueLength.RecordObservableInstruments();
        Assert.Equal(0, queueLength.LastMeasurement?.Value);
        lock (activities)
        {
            var spans = activities.Where(a => a.OperationName == "oaiq.conversions_api.send" && Equals(a.GetTagItem("server.port"), h.Api.Port)).ToList();
            Assert.Equal(3, spans.Count);
            Assert.Equal([50, 50, 20], spans.Select(a => (int)a.GetTagItem("oaiq.batch.size")!).OrderDescending());
            Assert.All(spans, a => Assert.Equal(200, a.GetTagItem("http.response.status_code")));
        }
    }
}
