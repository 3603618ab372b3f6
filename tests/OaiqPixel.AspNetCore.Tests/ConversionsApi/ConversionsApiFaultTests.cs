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
        await using var h = await ServerLegHost.StartAsync(startSender: false);
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
    public async Task Send_429WithRetryAfter_WaitsAsAskedOnTheTimeProvider()
    {
        // Arrange: the sender, the resilience handler and the fake API share a fake clock; a full batch goes at once.
        var time = new TimerTrackingTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.MaxBatchSize = 10, timeProvider: time, startSender: false);
        h.EnqueueAll(TestEvents.Orders(10, time.GetUtcNow()));
        h.Api.EnqueueFault(Fault.Status(429, retryAfter: TimeSpan.FromSeconds(1)));

        // Act: the 429 arrives; the retry waits on the clock for the 1 s the API asked for (the configured retry delay
        // is 20 ms), and nothing is sent again while the clock stands still.
        await h.StartSenderAsync();
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1), "the retry after the API's Retry-After");
        var before = Assert.Single(h.Api.Requests);
        Assert.Equal(429, before.StatusCode);
        time.Advance(TimeSpan.FromSeconds(1));
        await h.Api.WaitForEventsAsync(10, s_wait);

        // Assert: the retry went out only once the clock had moved past Retry-After.
        var requests = h.Api.Requests;
        Assert.Equal([429, 200], requests.Select(r => r.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(1), requests[1].ReceivedAt - requests[0].ReceivedAt);
        Assert.Equal(10, h.Api.Events.Count);
    }

    [Fact]
    public async Task Send_HangPastTheAttemptTimeout_IsAbandonedAndRetried()
    {
        // The hung request is held for 10 s; the 300 ms attempt timeout must cut it (the fake sees its connection
        // aborted rather than answering it) and the same batch goes again.
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.RequestTimeout = TimeSpan.FromMilliseconds(300), startSender: false);
        var events = TestEvents.Orders(20, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);
        h.Api.EnqueueFault(Fault.Hang(TimeSpan.FromSeconds(10)));

        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(20, s_wait);
        var requests = await h.Api.WaitForRequestsAsync(2, s_wait);

        var hung = Assert.Single(requests, r => r.Fault?.Kind == FaultKind.Hang);
        Assert.True(hung.Aborted, "The hung request was answered instead of cut at the attempt timeout.");
        Assert.Null(hung.StatusCode);
        Assert.Equal(20, hung.EventCount);
        var retried = Assert.Single(requests, r => r.StatusCode == 200);
        Assert.Equal(20, retried.EventCount);
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        Assert.Equal(20, h.Api.Events.Count);
    }

    [Fact]
    public async Task Send_ConnectionRefusedThenRecovered_DeliversEverythingKept()
    {
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        using var failed = h.Collect<long>("oaiq.events.failed");
        await h.Api.StopListeningAsync();
        var events = TestEvents.Orders(250, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);

        await h.StartSenderAsync();
        await Wait.UntilAsync(
            () => failed.GetMeasurementSnapshot().Count >= 2,
            "the sender to fail (and keep its events) at least twice",
            () => $"{failed.GetMeasurementSnapshot().Count} failure(s)");

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
        await using var h = await ServerLegHost.StartAsync(startSender: false);
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
