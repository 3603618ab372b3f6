using System.Diagnostics;
using System.Globalization;
using OaiqPixel.ReliabilityTests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.Shutdown;

/// <summary>
/// What a stop costs. A graceful stop (host StopAsync, or SIGTERM to a real process) delivers everything queued within
/// <c>ShutdownTimeout</c>; a hard kill (SIGKILL) loses what was in memory and not yet acknowledged, which is measured here
/// and documented in SECURITY.md ("Delivery guarantees").
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private const string Section = "2 Shutdown and hard kill (10,000 events queued, batches of 500)";
    private const string Header =
        "| Stop | Enqueued | Delivered (unique) | Lost | Duplicates | Requests (cut) | Stop took s |\n" +
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |";

    [Fact]
    public async Task GracefulStop_TenThousandQueued_DeliversEverythingWithinShutdownTimeout()
    {
        // Arrange: a slightly slow API with a few 503s on the way; a flush interval of an hour so nothing but the
        // full batches and the stop itself can send.
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromMilliseconds(20) });
        api.EnqueueFaults(Fault.None, Fault.Status(503), Fault.None, Fault.Status(503), Fault.Status(502));
        var settings = ServerLegHost.Settings(api);
        settings["Oaiq:ConversionsApi:FlushInterval"] = "01:00:00";
        settings["Oaiq:ConversionsApi:ShutdownTimeout"] = "00:00:10";
        await using var host = await ServerLegHost.StartAsync(configuration: settings, api: api);
        using var dropped = host.Collect<long>("oaiq.events.dropped");
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 10_000).Select(i => Events.Id("stop_", i)).ToList();
        foreach (var id in ids)
        {
            Assert.True(host.Sink.TryEnqueue(Events.Order(id, now)));
        }

        // Act
        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync(TimeSpan.FromSeconds(30));
        stopwatch.Stop();

        // Assert: everything delivered, and within ShutdownTimeout: the drain ended by itself (120) rather than at the
        // deadline, which would have logged the loss (119) and counted it as dropped at shutdown.
        Assert.True(api.EventIds.SetEquals(ids), $"{ids.Count - api.EventIds.Count} events were not delivered by the graceful stop.");
        Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 120);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id == 119);
        Assert.Empty(dropped.GetMeasurementSnapshot());
        Report("graceful: host StopAsync with 10,000 queued (API 20 ms/request, three 5xx)", 10_000, api, stopwatch.Elapsed);
    }

    [Fact]
    public async Task SigTerm_RealProcess_DrainsTheQueueBeforeExiting()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromMilliseconds(50) });
        await using var child = await ChildProcess.StartAsync(api, 10_000);

        var stopwatch = Stopwatch.StartNew();
        var exitCode = await child.SignalAsync("TERM");
        stopwatch.Stop();

        Assert.Equal(0, exitCode);
        Assert.Equal(10_000, api.EventIds.Count);
        Assert.Equal(api.EventIds.Count, api.Events.Count);
        Report("SIGTERM to a real process right after enqueueing (API 50 ms/request)", child.Enqueued, api, stopwatch.Elapsed);
    }

    [Theory]
    [InlineData("right after enqueueing (API 50 ms/request)", 50, 0, false)]
    [InlineData("once the API acknowledged 1,000 (API 200 ms/request)", 200, 1000, false)]
    [InlineData("during an outage (the API answers 503)", 0, 0, true)]
    public async Task SigKill_RealProcess_LosesOnlyWhatWasNotYetAcknowledged(string when, int responseDelayMs, int acknowledgedBeforeKill, bool outage)
    {
        // Arrange
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromMilliseconds(responseDelayMs) });
        if (outage)
        {
            api.EnqueueFault(Fault.Status(503), count: 100_000);
        }

        await using var child = await ChildProcess.StartAsync(api, 10_000);

        // Act: kill once the moment named has come: events acknowledged, or the outage met by the sender (twice).
        if (acknowledgedBeforeKill > 0)
        {
            await api.WaitForEventsAsync(acknowledgedBeforeKill, TimeSpan.FromSeconds(60));
        }

        if (outage)
        {
            await api.WaitForRequestsAsync(2, TimeSpan.FromSeconds(60));
        }

        var stopwatch = Stopwatch.StartNew();
        await child.SignalAsync("KILL");
        stopwatch.Stop();

        // Closing the listener ends what is still on the wire: afterwards every request that reached the API is recorded,
        // answered or cut.
        await api.StopListeningAsync();

        // Assert: nothing invented, nothing doubled; the loss is what was queued and not yet acknowledged.
        Assert.Equal(10_000, child.Enqueued);
        Assert.All(api.EventIds, id => Assert.StartsWith("kill_", id, StringComparison.Ordinal));
        Assert.Equal(api.EventIds.Count, api.Events.Count);
        Assert.InRange(api.EventIds.Count, acknowledgedBeforeKill, 10_000);
        if (outage)
        {
            Assert.Empty(api.EventIds);
            Assert.All(api.Requests, r => Assert.Equal(503, r.StatusCode));
        }

        Report("SIGKILL " + when, child.Enqueued, api, stopwatch.Elapsed);
    }

    private void Report(string name, int enqueued, FakeConversionsApi api, TimeSpan took)
    {
        var delivered = api.EventIds.Count;
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {enqueued:N0} | {delivered:N0} | {enqueued - delivered:N0} | {api.Events.Count - delivered:N0} | {api.TotalRequests} ({api.AbortedRequests}) | {took.TotalSeconds:F2} |");
        ReliabilityReport.AddRow(Section, Header, name, row);
        output.WriteLine(Header);
        output.WriteLine(row);
    }
}
