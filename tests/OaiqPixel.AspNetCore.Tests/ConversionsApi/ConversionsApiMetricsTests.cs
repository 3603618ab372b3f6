using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiMetricsTests
{
    [Fact]
    public async Task QueueLength_CountsTheBatchTheSenderIsStillFilling()
    {
        // Arrange: a long flush interval, so 10 events sit in the sender's batch, out of the channel, undelivered.
        await using var h = await ServerLegHost.StartAsync(
            o =>
            {
                o.ConversionsApi.MaxBatchSize = 50;
                o.ConversionsApi.FlushInterval = TimeSpan.FromHours(1);
            },
            startSender: false);
        using var queueLength = h.Collect<int>("oaiq.queue.length");
        h.EnqueueAll(TestEvents.Orders(10, DateTimeOffset.UtcNow));

        // Act: wait until the sender has taken all 10 out of the channel into its batch.
        await h.StartSenderAsync();
        await Wait.UntilAsync(
            () => h.Queue.Count == 0 && ReadQueueLength() == 10,
            "the channel drained into the sender's batch, with the gauge still counting the batch",
            () => $"channel {h.Queue.Count}, gauge {ReadQueueLength()}");

        // Assert
        Assert.Equal(0, h.Queue.Count);
        Assert.Equal(10, ReadQueueLength());
        Assert.Empty(h.Api.Events);

        int? ReadQueueLength()
        {
            queueLength.RecordObservableInstruments();
            return queueLength.LastMeasurement?.Value;
        }
    }

    [Fact]
    public async Task Send_RecordsEnqueuedSentBatchesDurationQueueLengthAndASpanPerBatch()
    {
        // Arrange
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.MaxBatchSize = 50, startSender: false);
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
        await h.StopAsync();

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
            Assert.All(spans, a => Assert.Equal(ActivityKind.Internal, a.Kind));
            Assert.All(spans, a => Assert.Equal("delivered", a.GetTagItem("oaiq.send.outcome")));
        }
    }

    [Fact]
    public async Task SendSpan_LinksToTheTracedRequestsWhoseEventsItCarries()
    {
        // Arrange: three events recorded under two traced requests, one outside any trace.
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.MaxBatchSize = 3, startSender: false);
        var sends = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "OaiqPixel" or "RequestSource",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "oaiq.conversions_api.send" && Equals(a.GetTagItem("server.port"), h.Api.Port))
                {
                    lock (sends)
                    {
                        sends.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var requests = new ActivitySource("RequestSource");
        var orders = TestEvents.Orders(3, DateTimeOffset.UtcNow);
        ActivityContext first, second;
        using (var request = requests.StartActivity("GET /checkout"))
        {
            first = request!.Context;
            h.EnqueueAll(orders[..1]);
        }

        using (var request = requests.StartActivity("POST /orders"))
        {
            second = request!.Context;
            h.EnqueueAll(orders[1..2]);
        }

        h.EnqueueAll(orders[2..]);

        // Act
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(3, TimeSpan.FromSeconds(10));
        await h.StopAsync();

        // Assert: one root span, not a child of any request, linked to both.
        lock (sends)
        {
            var send = Assert.Single(sends);
            Assert.Equal(default, send.ParentSpanId);
            Assert.Equal([first.SpanId, second.SpanId], send.Links.Select(l => l.Context.SpanId).ToArray());
        }
    }

    [Fact]
    public void SendDuration_AdvisesBucketsFromMillisecondsToAMinute()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        using var provider = services.BuildServiceProvider();
        var instrumentation = new ConversionsApiInstrumentation(provider.GetRequiredService<IMeterFactory>());
        Histogram<double>? histogram = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument is Histogram<double> { Name: "oaiq.send.duration" } h)
                {
                    histogram = h;
                }
            },
        };
        listener.Start();

        Assert.NotNull(histogram);
        var buckets = histogram.Advice?.HistogramBucketBoundaries;
        Assert.NotNull(buckets);
        Assert.Equal(0.005, buckets[0]);
        Assert.Equal(60, buckets[^1]);
        GC.KeepAlive(instrumentation);
    }
}
