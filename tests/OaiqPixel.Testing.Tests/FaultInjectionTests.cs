using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace OaiqPixel.Testing.Tests;

/// <summary>Each fault kind behaves as documented, and the fake stays usable afterwards.</summary>
public sealed class FaultInjectionTests
{
    [Theory]
    [InlineData(503, "server_error")]
    [InlineData(500, "server_error")]
    [InlineData(408, "invalid_request_error")]
    [InlineData(429, "rate_limit_exceeded")]
    public async Task StatusFault_Queued_AnswersThatStatusOnceAndRecordsNothing(int status, string type)
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Status(status));

        var faulted = await client.PostEventsAsync(api, Payloads.Event("order", id: "e1"));
        Assert.Empty(api.Events);
        var retried = await client.PostEventsAsync(api, Payloads.Event("order", id: "e1"));

        Assert.Equal((HttpStatusCode)status, faulted.Status);
        Assert.Contains($"\"type\":\"{type}\"", faulted.Body, StringComparison.Ordinal);
        Assert.False(faulted.Response.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Single(api.Events);
        Assert.Equal(FaultKind.Status, api.Requests[0].Fault?.Kind);
        Assert.Equal(1, api.Requests[0].EventCount);
        Assert.Null(api.Requests[1].Fault);
        Assert.Equal(1, api.CountRequests(status));
    }

    [Fact]
    public async Task StatusFault_429WithRetryAfter_CarriesSecondsRoundedUp()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Status(429, retryAfter: TimeSpan.FromSeconds(1)));
        api.EnqueueFault(Fault.Status(503, retryAfter: TimeSpan.FromMilliseconds(1200)));

        var first = await client.PostEventsAsync(api, Payloads.Event("lead"));
        var second = await client.PostEventsAsync(api, Payloads.Event("lead"));

        Assert.Equal(HttpStatusCode.TooManyRequests, first.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Response.Headers.RetryAfter?.Delta);
        Assert.Equal("1", Assert.Single(first.Response.Headers.GetValues("Retry-After")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), second.Response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task StatusFault_RetryAfterDateAndCustomBody_AreAnswered()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        var at = new DateTimeOffset(2026, 11, 26, 16, 0, 5, TimeSpan.Zero);
        api.EnqueueFault(Fault.Status(503, at, body: """{"message":"maintenance"}"""));

        var result = await client.PostEventsAsync(api, Payloads.Event("lead"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, result.Status);
        Assert.Equal(at, result.Response.Headers.RetryAfter?.Date);
        Assert.Equal("Thu, 26 Nov 2026 16:00:05 GMT", Assert.Single(result.Response.Headers.GetValues("Retry-After")));
        Assert.Equal("""{"message":"maintenance"}""", result.Body);
    }

    [Fact]
    public async Task FaultScript_Queued_AppliesToTheNextRequestsInOrder()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFaults(Fault.Status(503), Fault.None, Fault.Status(500));
        api.EnqueueFault(Fault.Status(429), count: 2);
        Assert.Equal(5, api.PendingFaultCount);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.PostEventsAsync(api, Payloads.Event("lead", id: "l" + i))).Status);
        }

        Assert.Equal(
            [HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.InternalServerError,
             HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK],
            statuses);
        Assert.Equal(0, api.PendingFaultCount);
        Assert.Equal(new HashSet<string> { "l1", "l5" }, api.EventIds);
    }

    [Fact]
    public async Task ClearFaults_QueuedScript_IsDropped()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Status(503), count: 3);

        api.ClearFaults();
        var result = await client.PostEventsAsync(api, Payloads.Event("lead"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
    }

    [Fact]
    public async Task Hang_LongerThanTheClientTimeout_IsAbortedAndRecordsNothing()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        client.Timeout = TimeSpan.FromMilliseconds(300);
        api.EnqueueFault(Fault.Hang(TimeSpan.FromSeconds(30)));

        var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => client.PostEventsAsync(api, Payloads.Event("order", id: "hung")));

        // The client's own 300 ms timeout ended it (not an answer after the 30 s hang).
        Assert.IsType<TimeoutException>(ex.InnerException);
        // The server notices the client's abort and gives up the request instead of hanging for 30 s.
        var request = Assert.Single(await api.WaitForRequestsAsync(1, TimeSpan.FromSeconds(5)));
        Assert.True(request.Aborted);
        Assert.Null(request.StatusCode);
        Assert.Equal(FaultKind.Hang, request.Fault?.Kind);
        Assert.Empty(api.Events);
        Assert.Equal(1, api.AbortedRequests);

        var next = await client.PostEventsAsync(api, Payloads.Event("order", id: "after"));
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal(["after"], api.EventIds);
    }

    [Fact]
    public async Task Hang_ShorterThanTheClientTimeout_IsASlowSuccess()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Hang(TimeSpan.FromSeconds(2)));
        var slow = client.PostEventsAsync(api, Payloads.Event("order", id: "slow"));
        await Wait.UntilAsync(() => api.PendingFaultCount == 0, "the hung request to reach the fake");

        // A request sent after it is answered while the hung one is still held.
        var fast = await client.PostEventsAsync(api, Payloads.Event("lead", id: "fast"));
        Assert.Equal(HttpStatusCode.OK, fast.Status);
        Assert.False(slow.IsCompleted, "The hung request was answered before a later one.");

        // Then the hung one succeeds: held, not cut.
        var result = await slow;
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(["fast", "slow"], api.Requests.Select(r => FirstEventId(r.Body)));
        var held = api.Requests[1];
        Assert.Equal(FaultKind.Hang, held.Fault?.Kind);
        Assert.False(held.Aborted);
        Assert.Equal(200, held.StatusCode);
        Assert.Equal(new HashSet<string> { "fast", "slow" }, api.EventIds);
    }

    [Fact]
    public async Task DisposeAsync_HungRequest_EndsItPromptly()
    {
        // The client gives up after 4 s: if disposing waited for the hang (5 minutes) or for Kestrel's own 5 s graceful
        // shutdown deadline, the client would time out first (TaskCanceledException) instead of seeing its connection
        // closed by the disposal (HttpRequestException).
        var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(4);
        api.EnqueueFault(Fault.Hang(TimeSpan.FromMinutes(5)));
        var pending = client.PostEventsAsync(api, Payloads.Event("lead"));
        await Wait.UntilAsync(() => api.PendingFaultCount == 0, "the hung request to reach the fake");

        await api.DisposeAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        Assert.True(Assert.Single(api.Requests).Aborted);
        await api.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task ResetConnection_BeforeTheAnswer_ThrowsHttpRequestExceptionAndRecordsNothing()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.ResetConnection());

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostEventsAsync(api, Payloads.Event("lead", id: "x")));

        var request = Assert.Single(api.Requests);
        Assert.True(request.Aborted);
        Assert.Null(request.StatusCode);
        Assert.Equal(FaultKind.ResetConnection, request.Fault?.Kind);
        Assert.Empty(api.Events);
        Assert.Empty(api.RequestsByStatus);
        Assert.Equal(HttpStatusCode.OK, (await client.PostEventsAsync(api, Payloads.Event("lead", id: "x"))).Status);
    }

    [Fact]
    public async Task ResetConnection_AfterHeaders_CutsTheResponseBody()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.ResetConnection(afterHeaders: true));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostEventsAsync(api, Payloads.Event("lead")));

        Assert.Empty(api.Events);
    }

    [Fact]
    public async Task ResetConnection_AfterProcessing_RecordsTheEventsSoARetryDuplicatesThem()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.ResetConnection(processRequest: true, afterHeaders: true));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostEventsAsync(api, Payloads.Event("order", id: "o1")));
        var retry = await client.PostEventsAsync(api, Payloads.Event("order", id: "o1"));

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(2, api.Events.Count);
        Assert.Single(api.EventIds);
    }

    [Fact]
    public async Task StopListeningAsync_ThenResume_RefusesConnectionsThenServesTheSamePort()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        await client.PostEventsAsync(api, Payloads.Event("lead", id: "before"));
        var address = api.BaseAddress;

        await api.StopListeningAsync();
        await api.StopListeningAsync(); // no-op

        Assert.False(api.IsListening);
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostEventsAsync(api, Payloads.Event("lead", id: "lost")));
        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(ex.InnerException).SocketErrorCode);

        await api.ResumeListeningAsync();
        await api.ResumeListeningAsync(); // no-op

        Assert.True(api.IsListening);
        Assert.Equal(address, api.BaseAddress);
        var after = await client.PostEventsAsync(api, Payloads.Event("lead", id: "after"));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(new HashSet<string> { "before", "after" }, api.EventIds);
        Assert.Equal(2, api.TotalRequests);
    }

    [Fact]
    public async Task StopListeningAsync_HungRequest_IsAborted()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Hang(TimeSpan.FromMinutes(5)));
        var pending = client.PostEventsAsync(api, Payloads.Event("lead"));
        await Wait.UntilAsync(() => api.PendingFaultCount == 0, "the hung request to reach the fake");

        await api.StopListeningAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        Assert.True(Assert.Single(api.Requests).Aborted);
        await api.ResumeListeningAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostEventsAsync(api, Payloads.Event("lead"))).Status);
    }

    [Fact]
    public async Task ResponseDelay_Configured_HoldsEveryRequest()
    {
        // A delay of 2 s against clients that give up after 100 ms: every request is held past their timeout (the fake
        // sees each connection cut); a patient client gets its answer after the delay.
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromSeconds(2) });
        using var impatient = api.CreateClient();
        impatient.Timeout = TimeSpan.FromMilliseconds(100);
        using var patient = api.CreateClient();

        for (var i = 1; i <= 2; i++)
        {
            var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.PostEventsAsync(api, Payloads.Event("lead", id: "cut" + i)));
            Assert.IsType<TimeoutException>(ex.InnerException);
            Assert.True((await api.WaitForRequestsAsync(i, TimeSpan.FromSeconds(10)))[i - 1].Aborted);
        }

        var result = await patient.PostEventsAsync(api, Payloads.Event("lead", id: "held"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(["held"], api.EventIds);
        Assert.Equal(TimeSpan.FromSeconds(2), api.ResponseDelay);
    }

    [Fact]
    public async Task ResponseDelay_ChangedAtRunTime_HonoursClientTimeouts()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        client.Timeout = TimeSpan.FromMilliseconds(200);
        api.ResponseDelay = TimeSpan.FromSeconds(30);

        await Assert.ThrowsAsync<TaskCanceledException>(() => client.PostEventsAsync(api, Payloads.Event("lead")));
        Assert.True(Assert.Single(await api.WaitForRequestsAsync(1, TimeSpan.FromSeconds(5))).Aborted);

        api.ResponseDelay = TimeSpan.Zero;
        Assert.Equal(HttpStatusCode.OK, (await client.PostEventsAsync(api, Payloads.Event("lead"))).Status);
        Assert.Single(api.Events);
    }

    [Fact]
    public void FaultFactories_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(600));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(429, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Hang(TimeSpan.FromSeconds(-1)));
        Assert.Equal("Status(429, retryAfter: 00:00:01)", Fault.Status(429, TimeSpan.FromSeconds(1)).ToString());
        Assert.Equal(FaultKind.None, Fault.None.Kind);
    }

    private static string? FirstEventId(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("events")[0].GetProperty("id").GetString();
    }

    [Fact]
    public async Task FailPixel_EveryRequestOfThatPixelGetsTheFault_AnotherPixelsDoNot_UntilRestored()
    {
        // Arrange: a second pixel with the same key.
        var options = new FakeConversionsApiOptions();
        options.AdditionalPixels["px_other"] = options.ApiKey;
        await using var api = await FakeConversionsApi.StartAsync(options);
        using var client = api.CreateClient();
        var other = new Uri(api.BaseAddress, "v1/events?pid=px_other");
        api.FailPixel("px_other", Fault.Status(503));

        // Act
        var first = await PostAsync(client, other, "o1");
        var second = await PostAsync(client, other, "o2");
        var primary = await client.PostEventsAsync(api, Payloads.Event("order", id: "p1"));
        api.RestorePixel("px_other");
        var restored = await PostAsync(client, other, "o3");

        // Assert
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable), (first, second));
        Assert.Equal(HttpStatusCode.OK, primary.Status);
        Assert.Equal(HttpStatusCode.OK, restored);
        Assert.Equal(["o3", "p1"], api.EventIds.Order());
        Assert.Equal(0, api.PendingFaultCount);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, Uri uri, string id)
    {
        using var content = new StringContent(Payloads.BodyJson(Payloads.Event("order", id: id)), System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(uri, content);
        return response.StatusCode;
    }
}
