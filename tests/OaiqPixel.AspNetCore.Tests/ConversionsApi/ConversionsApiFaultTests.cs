using System.Diagnostics;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>The fault matrix: every transient failure ends with every event delivered, ids compared as sets.</summary>
public sealed class ConversionsApiFaultTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    public static TheoryData<int> TransientStatuses => [500, 502, 503, 504, 408, 429];

    [Theory]
    [MemberData(nameof(TransientStatuses))]
    public async Task Send_TransientStatus_IsRetriedAndEveryEventArrivesOnce(int status)
    {
        // Arrange: more failures than the resilience handler retries, so the sender's own back-off is exercised too.
        await using var h = await ServerLegHarness.StartAsync(startSender: false);
        var events = TestEvents.Orders(150, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);
        h.Api.EnqueueFault(Fault.Status(status), count: 5);

        // Act
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(150, s_wait);

        // Assert
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        Assert.Equal(150, h.Api.Events.Count); // refused requests record nothing: no duplicates
        Assert.Equal(5, h.Api.CountRequests(status));
        h.AssertNoSecretsLogged();
    }

    [Fact]
    public async Task Send_429WithRetryAfter_WaitsAsAsked()
    {
        await using var h = await ServerLegHarness.StartAsync(startSender: false);
        h.EnqueueAll(TestEvents.Orders(10, DateTimeOffset.UtcNow));
        h.Api.EnqueueFault(Fault.Status(429, retryAfter: TimeSpan.FromSeconds(1)));

        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(10, s_wait);

        var requests = h.Api.Requests;
        Assert.Equal(429, requests[0].StatusCode);
        Assert.Equal(200, requests[^1].StatusCode);
        var waited = requests[^1].ReceivedAt - requests[0].ReceivedAt;
        Assert.True(waited >= TimeSpan.FromMilliseconds(900), $"Retried after {waited}; Retry-After asked for 1 s (the configured back-off is 20 ms).");
    }

    [Fact]
    public async Task Send_HangPastTheAttemptTimeout_IsAbandonedAndRetried()
    {
        await using var h = await ServerLegHarness.StartAsync(o => o.ConversionsApi.RequestTimeout = TimeSpan.FromMilliseconds(300), startSender: false);
        var events = TestEvents.Orders(20, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);
        h.Api.EnqueueFault(Fault.Hang(TimeSpan.FromSeconds(10)));

        var stopwatch = Stopwatch.StartNew();
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(20, s_wait);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"Took {stopwatch.Elapsed}: the hung attempt was not cut at 300 ms.");
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        Assert.Equal(20, h.Api.Events.Count);
    }

    [Fact]
    public async Task Send_ConnectionRefusedThenRecovered_DeliversEverythingKept()
    {
        await using var h = await ServerLegHarness.StartAsync(startSender: false);
        using var failed = h.Collect<long>("oaiq.events.failed");
        await h.Api.StopListeningAsync();
        var events = TestEvents.Orders(250, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);

        await h.StartSenderAsync();
        var stopwatch = Stopwatch.StartNew();
        while (failed.GetMeasurementSnapshot().Count < 2 && stopwatch.Elapsed < s_wait)
        {
            await Task.Delay(20);
        }

        Assert.True(failed.GetMeasurementSnapshot().Count >= 2, "The sender should have failed (and kept its events) at least twice.");
        Assert.Empty(h.Api.Events);
        await h.Api.ResumeListeningAsync();
        await h.Api.WaitForEventsAsync(250, s_wait);

        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        await h.WaitForLogAsync(117); // Recovered
        h.AssertNoSecretsLogged();
    }

    [Fact]
    public async Task Send_ResponseLostAfterTheApiSavedTheBatch_ResendsTheWholeBatchWithTheSameIds()
    {
        // The only way to get duplicates: the API saved the batch but the answer was lost. The retry is the same
        // batch (same ids and timestamps), which the real API deduplicates.
        await using var h = await ServerLegHarness.StartAsync(startSender: false);
        var events = TestEvents.Orders(40, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);
        h.Api.EnqueueFault(Fault.ResetConnection(processRequest: true));

        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(80, s_wait);

        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        var received = h.Api.Events;
        Assert.Equal(80, received.Count);
        Assert.All(received.GroupBy(e => e.GetProperty("id").GetString()), g =>
        {
            Assert.Equal(2, g.Count());
            Assert.Equal(g.First().GetProperty("timestamp_ms").GetInt64(), g.Last().GetProperty("timestamp_ms").GetInt64());
        });
    }
}
