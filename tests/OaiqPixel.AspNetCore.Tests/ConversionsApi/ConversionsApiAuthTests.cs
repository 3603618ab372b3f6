using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiAuthTests
{
    [Fact]
    public async Task Send_401ThenKeyFixedByConfigurationReload_KeepsEventsAndDeliversThem()
    {
        // Arrange: the configuration carries a wrong key (an Advertiser API key, say).
        const string wrongKey = "sk-proj-advertiser-key-not-for-capi";
        await using var h = await ServerLegHarness.StartAsync(
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
    public async Task Send_403_IsNotRetriedByTheHandlerButKeptByTheSender()
    {
        await using var h = await ServerLegHarness.StartAsync(startSender: false);
        h.EnqueueAll(TestEvents.Orders(5, DateTimeOffset.UtcNow));
        h.Api.EnqueueFault(OaiqPixel.Testing.Fault.Status(403));

        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(5, TimeSpan.FromSeconds(10));

        Assert.Equal(1, h.Api.CountRequests(403));
        await h.WaitForLogAsync(114);
    }
}
