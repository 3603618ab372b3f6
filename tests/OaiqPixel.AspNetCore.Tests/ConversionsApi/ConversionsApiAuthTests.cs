using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiAuthTests
{
    [Fact]
    public async Task Send_401ThenKeyFixedByConfigurationReload_KeepsEventsAndDeliversThem()
    {
        // Arrange: the configuration carries a wrong key (an Advertiser API key, say).
        const string wrongKey = "sk-proj-advertiser-key-not-for-capi";
        await using var h = await ServerLegHost.StartAsync(
            configuration: new Dictionary<string, string?> { ["Oaiq:ConversionsApi:ApiKey"] = wrongKey },
            startSender: false);
        var events = TestEvents.Orders(30, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);

        // Act: the API refuses the key at least twice; the events stay queued.
        await h.StartSenderAsync();
        await h.Api.WaitForRequestsAsync(2, TimeSpan.FromSeconds(10));
        Assert.All(h.Api.Requests, r => Assert.Equal(401, r.StatusCode));
        var error = await h.WaitForLogAsync(114);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("ads.third_party_events.write", error.Message, StringComparison.Ordinal);
        Assert.Contains("Conversions API key", error.Message, StringComparison.Ordinal);

        h.Configuration["Oaiq:ConversionsApi:ApiKey"] = h.Api.ApiKey;
        h.Configuration.Reload();
        await h.Api.WaitForEventsAsync(30, TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        h.AssertNoSecretsLogged(wrongKey);
    }

    [Fact]
    public async Task KeyFixedByConfigurationReload_EndsTheBackOffWaitAtOnce()
    {
        // Arrange: a wrong key and a back-off long enough that only the reload can end the wait. The clock is fake and
        // never advanced, so a delivery can only come from the sender being woken, not from the wait running out.
        const string wrongKey = "sk-proj-advertiser-key-not-for-capi";
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHost.StartAsync(
            o =>
            {
                o.ConversionsApi.MaxBatchSize = 10; // a full batch goes at once: the flush interval would wait on the fake clock
                o.ConversionsApi.BackoffDelay = TimeSpan.FromMinutes(5);
                o.ConversionsApi.MaxBackoffDelay = TimeSpan.FromMinutes(5);
            },
            timeProvider: time,
            configuration: new Dictionary<string, string?> { ["Oaiq:ConversionsApi:ApiKey"] = wrongKey },
            startSender: false);
        var events = TestEvents.Orders(10, time.GetUtcNow());
        h.EnqueueAll(events);
        await h.StartSenderAsync();
        await h.WaitForLogAsync(114);

        // Act
        h.Configuration["Oaiq:ConversionsApi:ApiKey"] = h.Api.ApiKey;
        h.Configuration.Reload();

        // Assert
        await h.Api.WaitForEventsAsync(10, TimeSpan.FromSeconds(10));
        Assert.Equal(events.Select(e => e.Id).ToHashSet(), h.Api.EventIds);
        Assert.Equal(1, h.Api.CountRequests(401));
        await h.WaitForLogAsync(123);
    }

    [Fact]
    public async Task Unauthorized_WithoutARequestIdHeader_SaysSo_InsteadOfPrintingNull()
    {
        await using var h = await ServerLegHost.StartAsync(apiOptions: new OaiqPixel.Testing.FakeConversionsApiOptions { SendRequestIds = false }, startSender: false);
        h.EnqueueAll(TestEvents.Orders(1, DateTimeOffset.UtcNow));
        h.Api.EnqueueFault(OaiqPixel.Testing.Fault.Status(401));

        await h.StartSenderAsync();
        var log = await h.WaitForLogAsync(114);
        await h.Api.WaitForEventsAsync(1, TimeSpan.FromSeconds(10));

        Assert.DoesNotContain("(null)", log.Message, StringComparison.Ordinal);
        Assert.Contains("x-request-id: none in the response", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_403_IsNotRetriedByTheHandlerButKeptByTheSender()
    {
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        h.EnqueueAll(TestEvents.Orders(5, DateTimeOffset.UtcNow));
        h.Api.EnqueueFault(OaiqPixel.Testing.Fault.Status(403));

        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(5, TimeSpan.FromSeconds(10));

        Assert.Equal(1, h.Api.CountRequests(403));
        await h.WaitForLogAsync(114);
    }
}
