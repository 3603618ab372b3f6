using System.Diagnostics;
using System.Net;

namespace OaiqPixel.Testing.Tests;

public sealed class WaitAndCounterTests
{
    [Fact]
    public async Task WaitForEventsAsync_completes_when_enough_events_arrive()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        var waiting = api.WaitForEventsAsync(3, TimeSpan.FromSeconds(10));
        Assert.False(waiting.IsCompleted);

        await client.PostEventsAsync(api, Payloads.Event("order", id: "a"), Payloads.Event("order", id: "b"));
        Assert.False(waiting.IsCompleted);
        await client.PostEventsAsync(api, Payloads.Event("lead", id: "c"), Payloads.Event("lead", id: "d"));
        var events = await waiting;

        Assert.Equal(4, events.Count);
    }

    [Fact]
    public async Task WaitForEventsAsync_completes_for_events_sent_from_another_task()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();

        var sender = Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await client.PostEventsAsync(api, Payloads.Event("lead", id: "e" + i));
            }
        });
        var events = await api.WaitForEventsAsync(5, TimeSpan.FromSeconds(10));
        await sender;

        Assert.Equal(5, events.Count);
    }

    [Fact]
    public async Task WaitForEventsAsync_returns_at_once_when_already_satisfied()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        await client.PostEventsAsync(api, Payloads.Event("lead"));

        var waiting = api.WaitForEventsAsync(1, TimeSpan.FromMilliseconds(1));
        var none = api.WaitForEventsAsync(0, TimeSpan.Zero);

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Single(await waiting);
        Assert.Single(await none);
    }

    [Fact]
    public async Task WaitForEventsAsync_times_out_with_a_helpful_message()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        await client.PostEventsAsync(api, Payloads.Event("lead"));
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => api.WaitForEventsAsync(2, TimeSpan.FromMilliseconds(200)));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
        Assert.Equal("Expected at least 2 accepted events within 200 ms, but only 1 arrived.", ex.Message);
    }

    [Fact]
    public async Task Refused_and_validate_only_requests_do_not_satisfy_an_event_wait()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        var waiting = api.WaitForEventsAsync(1, TimeSpan.FromMilliseconds(300));

        var bad = Payloads.Event("order");
        bad.Remove("data");
        await client.PostEventsAsync(api, bad);
        var body = Payloads.Body(Payloads.Event("order"));
        body["validate_only"] = true;
        await client.PostAsync(api, body.ToJsonString());

        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal(2, (await api.WaitForRequestsAsync(2, TimeSpan.FromSeconds(1))).Count);
    }

    [Fact]
    public async Task WaitForEventsAsync_honours_cancellation_and_disposal()
    {
        var api = await FakeConversionsApi.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.WaitForEventsAsync(1, Timeout.InfiniteTimeSpan, cts.Token));

        var pending = api.WaitForEventsAsync(1, Timeout.InfiniteTimeSpan);
        await api.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => api.WaitForEventsAsync(1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Counters_track_requests_by_status_and_can_be_cleared()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        using var anonymous = new HttpClient();

        await client.PostEventsAsync(api, Payloads.Event("lead"));
        await client.PostEventsAsync(api, Payloads.Event("lead"));
        await client.PostAsync(api, "{}");
        await anonymous.PostEventsAsync(api, Payloads.Event("lead"));
        api.EnqueueFault(Fault.Status(503));
        await client.PostEventsAsync(api, Payloads.Event("lead"));
        api.EnqueueFault(Fault.ResetConnection());
        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostEventsAsync(api, Payloads.Event("lead")));

        Assert.Equal(6, api.TotalRequests);
        Assert.Equal(1, api.AbortedRequests);
        Assert.Equal(new Dictionary<int, int> { [200] = 2, [400] = 1, [401] = 1, [503] = 1 }, api.RequestsByStatus);
        Assert.Equal(2, api.CountRequests(200));
        Assert.Equal(0, api.CountRequests(404));

        api.EnqueueFault(Fault.Status(500));
        api.ClearRecordings();

        Assert.Equal(0, api.TotalRequests);
        Assert.Empty(api.Events);
        Assert.Empty(api.EventIds);
        Assert.Empty(api.RequestsByStatus);
        Assert.Equal(1, api.PendingFaultCount);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostEventsAsync(api, Payloads.Event("lead"))).Status);
    }
}
