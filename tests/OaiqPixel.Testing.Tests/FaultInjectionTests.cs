using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OaiqPixel.Testing.Tests;

/// <summary>Each fault kind behaves as documented, and the fake stays usable afterwards.</summary>
public sealed class FaultInjectionTests
{
    [Theory]
    [InlineData(503, "server_error")]
    [InlineData(500, "server_error")]
    [InlineData(408, "invalid_request_error")]
    [InlineData(429, "rate_limit_exceeded")]
    public async Task Status_fault_answers_that_status_once_and_records_nothing(int status, string type)
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
    public async Task Status_429_carries_Retry_After_in_seconds_rounded_up()
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
    public async Task Status_fault_can_carry_Retry_After_as_an_http_date_and_a_custom_body()
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
    public async Task Fault_script_applies_to_the_next_requests_in_order()
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
    public async Task ClearFaults_drops_the_script()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Status(503), count: 3);

        api.ClearFaults();
        var result = await client.PostEventsAsync(api, Payloads.Event("lead"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
    }

    [Fact]
    public async Task Hang_exceeds_a_short_client_timeout_and_records_nothing()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        client.Timeout = TimeSpan.FromMilliseconds(300);
        api.EnqueueFault(Fault.Hang(TimeSpan.FromSeconds(30)));
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => client.PostEventsAsync(api, Payloads.Event("order", id: "hung")));

        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
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
    public async Task Hang_shorter_than_the_client_timeout_is_just_a_slow_success()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Hang(TimeSpan.FromMilliseconds(250)));
        var watch = Stopwatch.StartNew();

        var result = await client.PostEventsAsync(api, Payloads.Event("lead"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(240), watch.Elapsed.ToString());
        Assert.Single(api.Events);
    }

    [Fact]
    public async Task Dispose_ends_a_hung_request_promptly()
    {
        var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Hang(TimeSpan.FromMinutes(5)));
        var pending = client.PostEventsAsync(api, Payloads.Event("lead"));
        await WaitUntilAsync(() => api.PendingFaultCount == 0);
        var watch = Stopwatch.StartNew();

        await api.DisposeAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), watch.Elapsed.ToString());
        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        Assert.True(Assert.Single(api.Requests).Aborted);
        await api.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task Reset_makes_the_client_throw_HttpRequestException_and_records_nothing()
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
    public async Task Reset_after_headers_cuts_the_response_body()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.ResetConnection(afterHeaders: true));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostEventsAsync(api, Payloads.Event("lead")));

        Assert.Empty(api.Events);
    }

    [Fact]
    public async Task Reset_after_processing_records_the_events_so_a_retry_duplicates_them()
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
    public async Task Stopped_listener_refuses_connections_and_resumes_on_the_same_port()
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
    public async Task Stopping_aborts_a_hung_request()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        api.EnqueueFault(Fault.Hang(TimeSpan.FromMinutes(5)));
        var pending = client.PostEventsAsync(api, Payloads.Event("lead"));
        await WaitUntilAsync(() => api.PendingFaultCount == 0);

        await api.StopListeningAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        Assert.True(Assert.Single(api.Requests).Aborted);
        await api.ResumeListeningAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostEventsAsync(api, Payloads.Event("lead"))).Status);
    }

    [Fact]
    public async Task Response_delay_slows_every_request()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromMilliseconds(200) });
        using var client = api.CreateClient();
        var watch = Stopwatch.StartNew();

        var result = await client.PostEventsAsync(api, Payloads.Event("lead"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(190), watch.Elapsed.ToString());
        Assert.Equal(TimeSpan.FromMilliseconds(200), api.ResponseDelay);
    }

    [Fact]
    public async Task Response_delay_can_be_changed_at_run_time_and_honours_client_timeouts()
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
    public void Fault_factories_validate_their_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(600));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(429, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Hang(TimeSpan.FromSeconds(-1)));
        Assert.Equal("Status(429, retryAfter: 00:00:01)", Fault.Status(429, TimeSpan.FromSeconds(1)).ToString());
        Assert.Equal(FaultKind.None, Fault.None.Kind);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Test-side only: the fake has no "request started" signal, and this is a short, bounded wait.
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "condition not reached");
            await Task.Delay(10);
        }
    }
}
