using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>The in-memory path keeps its recent dead letters, lists them and sends them again once the cause is fixed.</summary>
public sealed class InMemoryDeadLetterTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WrongPixelId_DeadLetterIsKept_AndAfterTheFixReplayReAimsItAtTheRightPixel()
    {
        // Arrange: the app's pixel id is one the API does not know, so it refuses the event on its own (400).
        await using var h = await ServerLegHost.StartAsync(configuration: new Dictionary<string, string?> { ["Oaiq:PixelId"] = "px_wrong" });
        var inspector = h.Services.GetRequiredKeyedService<IOaiqStoreInspector>(IOaiqStoreInspector.InMemoryKey);
        h.EnqueueAll([TestEvents.Order("order_1", DateTimeOffset.UtcNow)]);
        await Wait.UntilAsync(() => h.DeadLetters.Count == 1, "the dead letter", () => string.Join("\n", h.LogTexts()));
        var before = await inspector.GetSnapshotAsync(20, CancellationToken.None);

        // Act: the pixel id is fixed by a configuration reload; the dead letters were recorded for the old one.
        h.Configuration["Oaiq:PixelId"] = h.Api.PixelId;
        h.Configuration.Reload();
        var result = await inspector.ReplayDeadLettersAsync(new OaiqReplayRequest { PixelId = "px_wrong", ToPixelId = h.Api.PixelId }, CancellationToken.None);

        // Assert
        var dead = Assert.Single(before.DeadLettered);
        Assert.Equal(("order_1", "px_wrong", 400), (dead.EventId, dead.PixelId, dead.LastStatusCode));
        Assert.Equal(1, before.DeadLetteredCount);
        Assert.Equal((1, 0, 0, 0), (result.Replayed, result.TooOld, result.NotFound, result.NotTaken));
        await h.Api.WaitForEventsAsync(1, TimeSpan.FromSeconds(20));
        Assert.Equal(["order_1"], h.Api.EventIds);
        Assert.Equal(h.Api.PixelId, h.Api.Requests.Last(r => r.StatusCode == 200).PixelId);
        await Wait.UntilAsync(async () => (await inspector.GetSnapshotAsync(20, CancellationToken.None)).DeliveredCount == 1, "the replayed event counted delivered");
        Assert.Equal(0, (await inspector.GetSnapshotAsync(20, CancellationToken.None)).DeadLetteredCount);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 320);
        h.AssertNoSecretsLogged();
    }

    [Fact]
    public async Task Replay_PastTheApisWindow_IsNotSentButReported_AndStaysADeadLetter()
    {
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        var time = new FakeTimeProvider(s_start);
        var store = Store(h, time);
        store.Add(DeadLetter("order_old", s_start, "px_a"));
        store.Add(DeadLetter("order_fresh", s_start + TimeSpan.FromDays(6), "px_a"));
        time.Advance(ConversionEventRecord.MaxAge + TimeSpan.FromMinutes(1));

        var result = await store.ReplayDeadLettersAsync(new OaiqReplayRequest { ToPixelId = h.Api.PixelId }, CancellationToken.None);

        Assert.Equal((1, 1, 0, 0), (result.Replayed, result.TooOld, result.NotFound, result.NotTaken));
        Assert.Equal(1, h.Queue.Count);
        var left = await store.GetSnapshotAsync(20, CancellationToken.None);
        Assert.Equal("order_old", Assert.Single(left.DeadLettered).EventId);
    }

    [Fact]
    public async Task Replay_ByPixelAndById_TakesOnlyThose_AndCountsIdsWithNoDeadLetter()
    {
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        var time = new FakeTimeProvider(s_start);
        var store = Store(h, time);
        store.Add(DeadLetter("order_1", s_start, h.Api.PixelId));
        store.Add(DeadLetter("order_2", s_start, h.Api.PixelId));
        store.Add(DeadLetter("order_3", s_start, "px_other"));

        var result = await store.ReplayDeadLettersAsync(
            new OaiqReplayRequest { PixelId = h.Api.PixelId, EventIds = ["order_2", "order_3", "order_9"] }, CancellationToken.None);

        Assert.Equal((1, 0, 2, 0), (result.Replayed, result.TooOld, result.NotFound, result.NotTaken));
        var left = await store.GetSnapshotAsync(20, CancellationToken.None);
        Assert.Equal(["order_3", "order_1"], left.DeadLettered.Select(d => d.EventId));
    }

    [Theory]
    [InlineData("px_unknown")]
    [InlineData("px\nforged")]
    [InlineData(null)]
    public async Task Replay_ToAPixelTheAppIsNotConfiguredFor_IsRefused_AndTheDeadLetterStays(string? target)
    {
        // null: a Pixel ID too long for any pixel (and for the outbox's 128-character column).
        target ??= new string('p', 129);
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        var store = Store(h, new FakeTimeProvider(s_start));
        store.Add(DeadLetter("order_1", s_start, "px_wrong"));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.ReplayDeadLettersAsync(new OaiqReplayRequest { ToPixelId = target }, CancellationToken.None));

        Assert.Equal("request", ex.ParamName);
        Assert.Contains("ToPixelId must be one of the app's configured pixels (Oaiq:PixelId, Oaiq:Pixels", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Queue.Count);
        Assert.Equal("px_wrong", Assert.Single((await store.GetSnapshotAsync(20, CancellationToken.None)).DeadLettered).PixelId);
    }

    [Fact]
    public async Task Replay_ToAPixelTheAppsResolverFinds_IsTaken()
    {
        // A multi-tenant app's pixels are its resolver's, not in Oaiq:Pixels.
        await using var h = await ServerLegHost.StartAsync(startSender: false, tracking: t => t.AddPixelResolver<TenantResolver>());
        var store = Store(h, new FakeTimeProvider(s_start));
        store.Add(DeadLetter("order_1", s_start, "px_wrong"));

        var result = await store.ReplayDeadLettersAsync(new OaiqReplayRequest { ToPixelId = "px_tenant" }, CancellationToken.None);

        Assert.Equal(1, result.Replayed);
    }

    [Theory]
    [InlineData(2, new[] { "order_3", "order_2" })]
    [InlineData(0, new string[0])]
    public async Task MaxDeadLetters_KeepsTheNewest_AndZeroKeepsNone(int max, string[] kept)
    {
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.MaxDeadLetters = max, startSender: false);
        var store = Store(h, new FakeTimeProvider(s_start));

        for (var i = 1; i <= 3; i++)
        {
            store.Add(DeadLetter("order_" + i, s_start, "px_a"));
        }

        var snapshot = await store.GetSnapshotAsync(20, CancellationToken.None);
        Assert.Equal(kept, snapshot.DeadLettered.Select(d => d.EventId));
        Assert.Equal(kept.Length, snapshot.DeadLetteredCount);
    }

    [Fact]
    public void ReplayRequest_EmptyPixelOrId_Throws()
    {
        Assert.Throws<ArgumentException>(() => new OaiqReplayRequest { ToPixelId = " " });
        Assert.Throws<ArgumentException>(() => new OaiqReplayRequest { PixelId = string.Empty });
        Assert.Throws<ArgumentException>(() => new OaiqReplayRequest { EventIds = ["order_1", ""] });
    }

    [Fact]
    public void MaxDeadLetters_Negative_IsRefused()
    {
        var options = new OaiqTrackingOptions { PixelId = "px_1", ConversionsApi = { ApiKey = "sk-svcacct-abc", MaxDeadLetters = -1 } };

        var result = new OaiqPixel.AspNetCore.Configuration.OaiqTrackingOptionsValidator().Validate(null, options);

        Assert.Contains("MaxDeadLetters must be 0 (keep none) or more", result.FailureMessage, StringComparison.Ordinal);
    }

    private static InMemoryDeadLetters Store(ServerLegHost h, TimeProvider time) =>
        new(h.Queue, h.Services.GetRequiredService<IOaiqPixelResolver>(), h.Services.GetRequiredService<IOptionsMonitor<OaiqTrackingOptions>>(), time, NullLogger<InMemoryDeadLetters>.Instance);

    private static DeadLetteredEvent DeadLetter(string id, DateTimeOffset timestamp, string pixelId) =>
        new(ConversionEventRecord.Create(TestEvents.Order(id, timestamp), pixelId), 400, "pid: unknown pixel ID", "req_1", timestamp);

    /// <summary>A tenant table's resolver: its one pixel, with the configured key.</summary>
    private sealed class TenantResolver : IOaiqPixelResolver
    {
        private static readonly OaiqPixelOptions s_tenant = new() { PixelId = "px_tenant", ApiKey = "sk-tenant" };

        public IReadOnlyList<OaiqPixelOptions> GetPixels(Microsoft.AspNetCore.Http.HttpContext httpContext) => [s_tenant];

        public OaiqPixelOptions? FindPixel(string pixelId) => pixelId == s_tenant.PixelId ? s_tenant : null;
    }
}
