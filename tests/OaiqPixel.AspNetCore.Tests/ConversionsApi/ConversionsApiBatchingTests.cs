using System.Text.Json;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiBatchingTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Send_ThousandQueuedEvents_OneRequestAtMaxBatchSize()
    {
        // Arrange: a flush interval far away, so only the size can trigger the send.
        await using var h = await ServerLegHost.StartAsync(o =>
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
        await using var h = await ServerLegHost.StartAsync(o =>
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
        // Arrange: the sender's clock is fake and shared with the fake API, so real time passing cannot flush a partial
        // batch; an interval of an hour would never pass in real time during the test.
        var time = new TimerTrackingTimeProvider(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromMinutes(90);
        await using var h = await ServerLegHost.StartAsync(o =>
        {
            o.ConversionsApi.MaxBatchSize = 100;
            o.ConversionsApi.FlushInterval = interval;
        }, timeProvider: time);
        var start = time.GetUtcNow();
        var events = TestEvents.Orders(3, start);
        h.EnqueueAll(events);

        // Act / Assert: once the sender holds the 3 events and waits on the clock for the interval, nothing is sent.
        await time.WaitForTimerAsync(interval, "the flush interval of the partial batch");
        Assert.Equal(0, h.Api.TotalRequests);

        time.Advance(interval);
        var requests = await h.Api.WaitForRequestsAsync(1, s_wait);

        // The one request went out when the fake clock reached the interval, and not before.
        var request = Assert.Single(requests);
        Assert.Equal(3, request.EventCount);
        Assert.Equal(start + interval, request.ReceivedAt);
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
    }

    [Fact]
    public async Task Send_ValidateOnlyAndIntegrationSource_AreSentWhenConfigured()
    {
        await using var h = await ServerLegHost.StartAsync(o =>
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
        await using var h = await ServerLegHost.StartAsync();
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
