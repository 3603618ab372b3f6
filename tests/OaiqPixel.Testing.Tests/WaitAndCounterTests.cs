using System.Net;

namespace OaiqPixel.Testing.Tests;

public sealed class WaitAndCounterTests
{
    [Fact]
    public async Task WaitForEventsAsync_EnoughEventsArrive_Completes()
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
    public async Task WaitForEventsAsync_EventsSentFromAnotherTask_Completes()
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
    public async Task WaitForEventsAsync_AlreadySatisfied_ReturnsAtOnce()
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
    public async Task WaitForEventsAsync_TooFewEvents_TimesOutWithAHelpfulMessage()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        await client.PostEventsAsync(api, Payloads.Event("lead"));

        var waiting = api.WaitForEventsAsync(2, TimeSpan.FromSeconds(1));

        // It waits (it does not give up at once), then gives up at its own timeout with what it saw: the message names
        // the timeout, and a wait that ignored it would fail the guard with another message.
        Assert.False(waiting.IsCompleted);
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("Expected at least 2 accepted events within 1000 ms, but only 1 arrived.", ex.Message);
    }

    [Fact]
    public async Task WaitForEventsAsync_RefusedAndValidateOnlyRequests_DoNotSatisfyIt()
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
    public async Task WaitForEventsAsync_CancelledOrDisposed_Throws()
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
    public async Task Counters_RequestsOfEveryStatus_AreCountedAndCanBeCleared()
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
