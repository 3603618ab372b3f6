using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiBatchingTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Send_ThousandQueuedEvents_OneRequestAtMaxBatchSize()
    {
        // Arrange: a flush interval far away, so only the size can trigger the send.
        await using var h = await ServerLegHarness.StartAsync(o =>
        {
            o.ConversionsApi.MaxBatchSize = 1000;
            o.ConversionsApi.FlushInterval = TimeSpan.FromHours(1);
        }, startSender: false);
        var events = TestEvents.Orders(1000, DateTimeOffset.UtcNow);
        Assert.Equal(1000, h.EnqueueAll(events));

        // Act
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(1000, s_wait);

        // Assert
        var request = Assert.Single(h.Api.Requests);
        Assert.Equal(200, request.StatusCode);
        Assert.Equal(1000, request.EventCount);
        Assert.Equal("Bearer " + h.Api.ApiKey, request.Authorization);
        Assert.Equal(h.Api.PixelId, request.PixelId);
        Assert.Equal("/v1/events", request.Path);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.False(request.ValidateOnly);
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
    }

    [Fact]
    public async Task Send_MoreThanOneBatch_SplitsBySizeAndFlushesTheRestOnInterval()
    {
        await using var h = await ServerLegHarness.StartAsync(o =>
        {
            o.ConversionsApi.MaxBatchSize = 1000;
            o.ConversionsApi.FlushInterval = TimeSpan.FromMilliseconds(200);
        }, startSender: false);
        h.EnqueueAll(TestEvents.Orders(2500, DateTimeOffset.UtcNow));

        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(2500, s_wait);

        Assert.Equal([1000, 1000, 500], h.Api.Requests.Select(r => r.EventCount).OrderDescending());
        Assert.Equal(2500, h.Api.EventIds.Count);
    }

    [Fact]
    public async Task Send_FewEvents_WaitsForFlushIntervalOnTheTimeProvider()
    {
        // Arrange: the sender's clock is fake; real time passing must not flush a partial batch. The API answers
        // slowly on purpose: the loop below keeps advancing the fake clock while the request is in flight, which
        // must not cut the request (see ServerLegHarness: the resilience timeouts run on the same clock).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHarness.StartAsync(o =>
        {
            o.ConversionsApi.MaxBatchSize = 100;
            o.ConversionsApi.FlushInterval = TimeSpan.FromSeconds(5);
        }, timeProvider: time, apiOptions: new OaiqPixel.Testing.FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromMilliseconds(250) });
        var events = TestEvents.Orders(3, time.GetUtcNow());
        h.EnqueueAll(events);

        // Act / Assert: nothing is sent before the interval.
        await Task.Delay(300);
        Assert.Equal(0, h.Api.TotalRequests);

        var advanced = TimeSpan.Zero;
        var stopwatch = Stopwatch.StartNew();
        while (h.Api.Events.Count < 3 && stopwatch.Elapsed < s_wait)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.Delay(50);
        }

        var request = Assert.Single(h.Api.Requests);
        Assert.Equal(3, request.EventCount);
        Assert.True(advanced >= TimeSpan.FromSeconds(5), $"Flushed after {advanced} of fake time; the interval is 5 s.");
    }

    [Fact]
    public async Task Send_ValidateOnlyAndIntegrationSource_AreSentWhenConfigured()
    {
        await using var h = await ServerLegHarness.StartAsync(o =>
        {
            o.ConversionsApi.ValidateOnly = true;
            o.ConversionsApi.IntegrationSource = "acme-shop.v2";
        });
        h.EnqueueAll(TestEvents.Orders(2, DateTimeOffset.UtcNow));

        var requests = await h.Api.WaitForRequestsAsync(1, s_wait);

        var request = requests[0];
        Assert.Equal(200, request.StatusCode);
        Assert.True(request.ValidateOnly);
        using var body = JsonDocument.Parse(request.Body);
        Assert.True(body.RootElement.GetProperty("validate_only").GetBoolean());
        Assert.Equal("acme-shop.v2", body.RootElement.GetProperty("integration_source").GetString());
        Assert.Empty(h.Api.Events); // validate_only saves nothing
    }

    [Fact]
    public async Task Send_ByDefault_SendsValidateOnlyFalseAndNoIntegrationSource()
    {
        await using var h = await ServerLegHarness.StartAsync();
        h.EnqueueAll(TestEvents.Orders(1, DateTimeOffset.UtcNow));

        var requests = await h.Api.WaitForRequestsAsync(1, s_wait);

        using var body = JsonDocument.Parse(requests[0].Body);
        Assert.False(body.RootElement.GetProperty("validate_only").GetBoolean());
        Assert.False(body.RootElement.TryGetProperty("integration_source", out _));
        var sent = body.RootElement.GetProperty("events")[0];
        Assert.Equal("order_0", sent.GetProperty("id").GetString());
        Assert.Equal(TestEvents.Oppref, sent.GetProperty("oppref").GetString());
        Assert.Equal(TestEvents.Obref, sent.GetProperty("user").GetProperty("obref").GetString());
    }
}
