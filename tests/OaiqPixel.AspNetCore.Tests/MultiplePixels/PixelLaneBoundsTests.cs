using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.ConversionsApi;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.MultiplePixels;

/// <summary>
/// Memory stays bounded however many pixels a resolver names: at most <c>MaxPixels</c> queues, at most
/// <c>MaxTotalQueueSize</c> events across them, and a queue empty for <c>PixelIdleTimeout</c> is freed.
/// </summary>
public sealed class PixelLaneBoundsTests
{
    private const string Key = "sk-svcacct-shared";

    [Fact]
    public async Task PixelsPastMaxPixels_TheirEventsAreDroppedAsPixelLimitAndWarned_TheFirstPixelsKeepTheirs()
    {
        // Arrange: three pixels share the key; only two may have a queue.
        await using var h = await ServerLegHost.StartAsync(ThreePixels(o => o.ConversionsApi.MaxPixels = 2), startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");

        // Act
        var first = h.Sink.TryEnqueue(TestEvents.Order("a1", DateTimeOffset.UtcNow).ForPixel("px_a"));
        var second = h.Sink.TryEnqueue(TestEvents.Order("b1", DateTimeOffset.UtcNow).ForPixel("px_b"));
        var third = h.Sink.TryEnqueue(TestEvents.Order("c1", DateTimeOffset.UtcNow).ForPixel("px_c"));
        var thirdAgain = h.Sink.TryEnqueue(TestEvents.Order("c2", DateTimeOffset.UtcNow).ForPixel("px_c"));
        var firstAgain = h.Sink.TryEnqueue(TestEvents.Order("a2", DateTimeOffset.UtcNow).ForPixel("px_a"));

        // Assert
        Assert.Equal((true, true, false, false, true), (first, second, third, thirdAgain, firstAgain));
        Assert.Equal(["px_a", "px_b"], h.Queue.Lanes.Select(l => l.PixelId).Order());
        Assert.Equal(2, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags[ConversionsApiInstrumentation.DropReasonAttribute] == DropReason.PixelLimit).Sum(m => m.Value));
        var warning = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 133);
        Assert.Contains("px_c", warning.Message, StringComparison.Ordinal);
        Assert.Contains("MaxPixels", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryQueueTogetherAtMaxTotalQueueSize_NewEventsAreDroppedAsTotalQueueFull_UntilTheSenderTakesSome()
    {
        // Arrange: each pixel may hold 10, all together 15.
        await using var h = await ServerLegHost.StartAsync(
            ThreePixels(o =>
            {
                o.ConversionsApi.MaxBatchSize = 5;
                o.ConversionsApi.MaxQueueSize = 10;
                o.ConversionsApi.MaxTotalQueueSize = 15;
            }),
            apiOptions: ApiOptions(),
            startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        var now = DateTimeOffset.UtcNow;

        // Act
        var a = h.EnqueueAll(TestEvents.Orders(10, now, "a_").Select(e => e.ForPixel("px_a")));
        var b = h.EnqueueAll(TestEvents.Orders(10, now, "b_").Select(e => e.ForPixel("px_b")));

        // Assert: px_a got its own 10, px_b only what the total left; the drop is told apart from one pixel's full queue.
        Assert.Equal((10, 5), (a, b));
        Assert.Equal(15, h.Queue.Budget.Count);
        Assert.Equal(5, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags[ConversionsApiInstrumentation.DropReasonAttribute] == DropReason.TotalQueueFull).Sum(m => m.Value));
        Assert.DoesNotContain(dropped.GetMeasurementSnapshot(), m => (string?)m.Tags[ConversionsApiInstrumentation.DropReasonAttribute] == DropReason.QueueFull);
        Assert.Contains("15 events", Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 134).Message, StringComparison.Ordinal);

        // Sibling: once the sender has taken what was waiting (delivered), the room is back for every pixel.
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(15, TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => h.Queue.Budget.Count == 0, "the total budget given back", () => h.Queue.Budget.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5, h.EnqueueAll(TestEvents.Orders(5, DateTimeOffset.UtcNow, "c_").Select(e => e.ForPixel("px_c"))));
    }

    [Fact]
    public void MaxTotalQueueSizeBelowMaxQueueSize_StopsTheStartUpNamingTheKey()
    {
        // Arrange
        var options = new OaiqTrackingOptions { PixelId = "px_a" };
        options.ConversionsApi.ApiKey = Key;
        options.ConversionsApi.MaxQueueSize = 1000;
        options.ConversionsApi.MaxTotalQueueSize = 999;
        options.ConversionsApi.MaxPixels = 0;
        options.ConversionsApi.PixelIdleTimeout = TimeSpan.Zero;

        // Act
        var result = new OaiqPixel.AspNetCore.Configuration.OaiqTrackingOptionsValidator().Validate(null, options);

        // Assert
        Assert.True(result.Failed);
        Assert.Contains("Oaiq:ConversionsApi:MaxTotalQueueSize must be at least MaxQueueSize (1000)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Oaiq:ConversionsApi:MaxPixels must be at least 1", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Oaiq:ConversionsApi:PixelIdleTimeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdleLane_IsFreedAfterPixelIdleTimeout_AndAnotherPixelTakesItsPlace_ThenItsNextEventStillArrives()
    {
        // Arrange: one queue at most; the clock only moves when the test moves it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHost.StartAsync(
            ThreePixels(o =>
            {
                o.ConversionsApi.MaxPixels = 1;
                o.ConversionsApi.MaxBatchSize = 1; // a full batch goes at once: the flush interval waits on the fake clock
                o.ConversionsApi.PixelIdleTimeout = TimeSpan.FromMinutes(10);
            }),
            timeProvider: time,
            apiOptions: ApiOptions());

        Assert.True(h.Sink.TryEnqueue(TestEvents.Order("a1", time.GetUtcNow()).ForPixel("px_a")));
        await h.Api.WaitForEventsAsync(1, TimeSpan.FromSeconds(10));
        Assert.False(h.Sink.TryEnqueue(TestEvents.Order("b1", time.GetUtcNow()).ForPixel("px_b")));

        // Act: px_a's queue stays empty past the idle timeout (the clock moves until its loop, back in its wait, sees it).
        await IdleUntilFreedAsync(h, time);
        var retired = await h.WaitForLogAsync(135);

        // Assert
        Assert.Contains("px_a", retired.Message, StringComparison.Ordinal);
        Assert.Empty(h.Queue.Lanes);
        Assert.True(h.Sink.TryEnqueue(TestEvents.Order("b2", time.GetUtcNow()).ForPixel("px_b")));
        await h.Api.WaitForEventsAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal(["a1", "b2"], h.Api.EventIds.Order());

        // Sibling: the retired pixel's next event gets a fresh queue once px_b's is freed in turn, and is delivered.
        await IdleUntilFreedAsync(h, time);
        Assert.True(h.Sink.TryEnqueue(TestEvents.Order("a2", time.GetUtcNow()).ForPixel("px_a")));
        await h.Api.WaitForEventsAsync(3, TimeSpan.FromSeconds(10));
        Assert.Equal(["a1", "a2", "b2"], h.Api.EventIds.Order());
        Assert.DoesNotContain(h.Logs.GetSnapshot(), r => r.Id.Id is 121 or 122);
    }

    /// <summary>Moves the clock by the idle timeout until no pixel has a queue: the positive marker is the outcome, not a delay.</summary>
    private static Task IdleUntilFreedAsync(ServerLegHost h, FakeTimeProvider time) =>
        Wait.UntilAsync(
            () =>
            {
                if (h.Queue.Lanes.Count == 0)
                {
                    return true;
                }

                time.Advance(TimeSpan.FromMinutes(10));
                return false;
            },
            "every pixel's queue freed",
            () => string.Join(", ", h.Queue.Lanes.Select(l => l.PixelId)));

    private static FakeConversionsApiOptions ApiOptions() =>
        new() { AdditionalPixels = { ["px_a"] = Key, ["px_b"] = Key, ["px_c"] = Key } };

    private static Action<OaiqTrackingOptions> ThreePixels(Action<OaiqTrackingOptions> more) => o =>
    {
        o.PixelId = null;
        o.ConversionsApi.ApiKey = null;
        foreach (var id in new[] { "px_a", "px_b", "px_c" })
        {
            o.Pixels.Add(new OaiqPixelOptions { PixelId = id, ApiKey = Key });
        }

        more(o);
    };
}
