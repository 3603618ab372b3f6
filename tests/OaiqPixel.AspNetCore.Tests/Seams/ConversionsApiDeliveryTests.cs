using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.ConversionsApi;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.Seams;

/// <summary>
/// <see cref="IConversionsApiDelivery"/>: a store that keeps records itself sends them through the sender's pipeline
/// (batching, bisection, dead letters, the resilient client) and learns what became of each one.
/// </summary>
public sealed class ConversionsApiDeliveryTests
{
    [Fact]
    public async Task DeliverAsync_AllAccepted_ReportsEachDeliveredInOrder()
    {
        // Arrange
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        var records = Records(h, 5);

        // Act
        var results = await Delivery(h).DeliverAsync(records);

        // Assert
        Assert.Equal(records, results.Select(r => r.Record));
        Assert.All(results, r => Assert.Equal(ConversionEventDeliveryOutcome.Delivered, r.Outcome));
        Assert.All(results, r => Assert.Null(r.ErrorMessage));
        Assert.Equal(records.Select(r => r.Id).ToHashSet(), h.Api.EventIds);
        Assert.Equal(1, h.Api.TotalRequests);
    }

    [Fact]
    public async Task DeliverAsync_OnePoisonRecord_IsDeadLetteredWithTheApiMessageAndTheRestDelivered()
    {
        // Arrange
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        var records = Records(h, 10);
        h.Api.PoisonEvent = e => e.GetProperty("id").GetString() == "order_6";

        // Act
        var results = await Delivery(h).DeliverAsync(records);

        // Assert
        var dead = Assert.Single(results, r => r.Outcome == ConversionEventDeliveryOutcome.DeadLettered);
        Assert.Equal("order_6", dead.Record.Id);
        Assert.Equal(400, dead.StatusCode);
        Assert.False(string.IsNullOrEmpty(dead.ErrorMessage));
        Assert.Equal(9, results.Count(r => r.Outcome == ConversionEventDeliveryOutcome.Delivered));
        Assert.Equal(9, h.Api.EventIds.Count);
        // The sender's own dead-letter path ran: the callback and log 113.
        Assert.Equal("order_6", Assert.Single(h.DeadLetters).Record.Id);
        Assert.Single(h.Logs.GetSnapshot(), l => l.Id.Id == 113);
    }

    [Fact]
    public async Task DeliverAsync_ApiDown_KeepsEveryRecordForARetryWithTheFailure()
    {
        // Arrange: 503 on every attempt the client's retries make.
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        h.Api.EnqueueFault(Fault.Status(503), count: 10);
        var records = Records(h, 3);

        // Act
        var results = await Delivery(h).DeliverAsync(records);

        // Assert
        Assert.All(results, r =>
        {
            Assert.Equal(ConversionEventDeliveryOutcome.KeptForRetry, r.Outcome);
            Assert.Equal(503, r.StatusCode);
        });
        Assert.Empty(h.Api.EventIds);
        Assert.Empty(h.DeadLetters);
    }

    [Fact]
    public async Task DeliverAsync_TooManyRequestsWithRetryAfter_ReportsWhenTheApiAskedToComeBack()
    {
        // Arrange: 429 with Retry-After on the attempt and the client's one retry.
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.MaxRetryAttempts = 1, startSender: false);
        h.Api.EnqueueFault(Fault.Status(429, TimeSpan.FromSeconds(1)), count: 2);

        // Act
        var result = Assert.Single(await Delivery(h).DeliverAsync(Records(h, 1)));

        // Assert
        Assert.Equal(ConversionEventDeliveryOutcome.KeptForRetry, result.Outcome);
        Assert.Equal(429, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), result.RetryAfter);
    }

    [Fact]
    public async Task DeliverAsync_FailingCallsInARow_GiveTheServerLegsBackOff_DoublingUntilACallDelivers()
    {
        // Arrange: back-off 1 s doubling up to 3 s; 503 on both attempts (the client's one retry) of three calls in a
        // row, then the API answers, then fails once more.
        await using var h = await ServerLegHost.StartAsync(o =>
        {
            o.ConversionsApi.MaxRetryAttempts = 1;
            o.ConversionsApi.BackoffDelay = TimeSpan.FromSeconds(1);
            o.ConversionsApi.MaxBackoffDelay = TimeSpan.FromSeconds(3);
        }, startSender: false);
        var delivery = Delivery(h);

        // Act
        var delays = new List<TimeSpan?>();
        for (var call = 0; call < 3; call++)
        {
            h.Api.EnqueueFault(Fault.Status(503), count: 2);
            delays.Add(Assert.Single(await delivery.DeliverAsync(Records(h, 1))).RetryDelay);
        }

        var delivered = Assert.Single(await delivery.DeliverAsync(Records(h, 1)));
        h.Api.EnqueueFault(Fault.Status(503), count: 2);
        var afterTheSuccess = Assert.Single(await delivery.DeliverAsync(Records(h, 1))).RetryDelay;
        await delivery.DeliverAsync(Records(h, 1));
        h.Api.EnqueueFault(Fault.Status(429, TimeSpan.FromSeconds(2)), count: 2);
        var askedForLonger = Assert.Single(await delivery.DeliverAsync(Records(h, 1))).RetryDelay;

        // Assert: 1 s, 2 s, then capped at 3 s (each ±20 % jitter); none for the delivered record; back to 1 s after it;
        // after another delivered call, the API's Retry-After of 2 s, longer than the 1 s back-off.
        Assert.InRange(delays[0]!.Value, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.InRange(delays[1]!.Value, TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
        Assert.Equal(TimeSpan.FromSeconds(3), delays[2]);
        Assert.Equal(ConversionEventDeliveryOutcome.Delivered, delivered.Outcome);
        Assert.Null(delivered.RetryDelay);
        Assert.InRange(afterTheSuccess!.Value, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.Equal(TimeSpan.FromSeconds(2), askedForLonger);
    }

    [Fact]
    public async Task DeliverAsync_MoreThanMaxBatchSize_SendsRequestsOfAtMostMaxBatchSize()
    {
        // Arrange: the harness sends batches of 100.
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        var records = Records(h, 250);

        // Act
        var results = await Delivery(h).DeliverAsync(records);

        // Assert
        Assert.All(results, r => Assert.Equal(ConversionEventDeliveryOutcome.Delivered, r.Outcome));
        Assert.Equal([100, 100, 50], h.Api.Requests.Select(r => r.EventCount));
    }

    [Fact]
    public async Task DeliverAsync_TwoPixels_SendsEachPixelInItsOwnRequestsAndOneFailureDoesNotStopTheOther()
    {
        // Arrange: the app has both pixels (the other on the shared key); the fake knows only its own and refuses the
        // other's pid with 400.
        await using var h = await ServerLegHost.StartAsync(o => o.Pixels.Add(new OaiqPixelOptions { PixelId = "px_other" }), startSender: false);
        var now = DateTimeOffset.UtcNow;
        var ours = TestEvents.Orders(3, now).Select(e => ConversionEventRecord.Create(e, h.Api.PixelId)).ToList();
        var theirs = TestEvents.Orders(2, now).Select(e => ConversionEventRecord.Create(e, "px_other")).ToList();
        ConversionEventRecord[] records = [theirs[0], ours[0], ours[1], theirs[1], ours[2]];

        // Act
        var results = await Delivery(h).DeliverAsync(records);

        // Assert
        Assert.Equal(
            [ConversionEventDeliveryOutcome.DeadLettered, ConversionEventDeliveryOutcome.Delivered, ConversionEventDeliveryOutcome.Delivered, ConversionEventDeliveryOutcome.DeadLettered, ConversionEventDeliveryOutcome.Delivered],
            results.Select(r => r.Outcome));
        Assert.Contains("px_other", results[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(h.Api.Requests, r => r.PixelId == h.Api.PixelId && r.EventCount == 3);
        Assert.DoesNotContain(h.Api.Requests, r => r.PixelId == h.Api.PixelId && r.EventCount != 3);
    }

    [Fact]
    public async Task DeliverAsync_ServerLegOff_SendsNothingAndKeepsTheRecords()
    {
        // Arrange
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.ApiKey = null, startSender: false);

        // Act
        var results = await Delivery(h).DeliverAsync(Records(h, 2));

        // Assert
        Assert.All(results, r =>
        {
            Assert.Equal(ConversionEventDeliveryOutcome.KeptForRetry, r.Outcome);
            Assert.Contains("ApiKey", r.ErrorMessage, StringComparison.Ordinal);
        });
        Assert.Equal(0, h.Api.TotalRequests);
    }

    [Fact]
    public async Task DeliverAsync_RecordThatAgedPastTheWindowWhileKept_IsReportedStale_NotSent_LoggedOnceAs111()
    {
        // Arrange: one record valid when written (7 days less 15 minutes old), then kept 10 minutes: past
        // ConversionEventRecord.MaxAge (the API's 7 days less a 10-minute margin) when the store hands it over.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHost.StartAsync(timeProvider: time, startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        var now = time.GetUtcNow();
        var old = ConversionEventRecord.Create(TestEvents.Order("order_old", now - TimeSpan.FromDays(7) + TimeSpan.FromMinutes(15)), h.Api.PixelId);
        var fresh = Records(h, 3, now);
        ConversionEventRecord[] records = [fresh[0], old, fresh[1], fresh[2]];
        time.Advance(TimeSpan.FromMinutes(10));

        // Act
        var results = await Delivery(h).DeliverAsync(records);

        // Assert: the old one is reported stale in its place, never sent, never dead-lettered; the rest go in one request.
        Assert.Equal(
            [ConversionEventDeliveryOutcome.Delivered, ConversionEventDeliveryOutcome.Stale, ConversionEventDeliveryOutcome.Delivered, ConversionEventDeliveryOutcome.Delivered],
            results.Select(r => r.Outcome));
        Assert.Same(old, results[1].Record);
        Assert.Equal((null, null, null), (results[1].StatusCode, results[1].ErrorMessage, results[1].RetryDelay));
        Assert.Equal(3, Assert.Single(h.Api.Requests).EventCount);
        Assert.DoesNotContain("order_old", h.Api.EventIds);
        Assert.Empty(h.DeadLetters);
        Assert.Contains("order_old", Assert.Single(h.Logs.GetSnapshot(), l => l.Id.Id == 111).Message, StringComparison.Ordinal);
        Assert.Equal(1, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.drop.reason"] == "stale").Sum(m => m.Value));
    }

    [Fact]
    public async Task DeliverAsync_StaleAndPoisonRecordsInOneRequest_EachReportedInItsOwnPlace()
    {
        // Arrange: a stale record between two poison ones, among fresh ones.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHost.StartAsync(timeProvider: time, startSender: false);
        var now = time.GetUtcNow();
        var old = ConversionEventRecord.Create(TestEvents.Order("order_old", now - ConversionEventRecord.MaxAge), h.Api.PixelId);
        var fresh = Records(h, 4, now);
        h.Api.PoisonEvent = e => e.GetProperty("id").GetString() is "order_0" or "order_3";
        time.Advance(TimeSpan.FromSeconds(1));

        // Act
        var results = await Delivery(h).DeliverAsync([fresh[0], fresh[1], old, fresh[2], fresh[3]]);

        // Assert
        Assert.Equal(
            [ConversionEventDeliveryOutcome.DeadLettered, ConversionEventDeliveryOutcome.Delivered, ConversionEventDeliveryOutcome.Stale, ConversionEventDeliveryOutcome.Delivered, ConversionEventDeliveryOutcome.DeadLettered],
            results.Select(r => r.Outcome));
        Assert.Equal(["order_1", "order_2"], h.Api.EventIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeliverAsync_EveryRecordStale_SendsNoRequest()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHost.StartAsync(timeProvider: time, startSender: false);
        var records = Records(h, 2, time.GetUtcNow());
        time.Advance(ConversionEventRecord.MaxAge + TimeSpan.FromMilliseconds(1));

        var results = await Delivery(h).DeliverAsync(records);

        Assert.All(results, r => Assert.Equal(ConversionEventDeliveryOutcome.Stale, r.Outcome));
        Assert.Equal(0, h.Api.TotalRequests);
        Assert.Equal(2, h.Logs.GetSnapshot().Count(l => l.Id.Id == 111));
    }

    [Fact]
    public async Task DeliverAsync_NullItem_ThrowsNamingTheIndex()
    {
        await using var h = await ServerLegHost.StartAsync(startSender: false);

        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => Delivery(h).DeliverAsync([Records(h, 1)[0], null!]));

        Assert.Contains("records[1]", ex.Message, StringComparison.Ordinal);
    }

    private static IConversionsApiDelivery Delivery(ServerLegHost h) => h.Services.GetRequiredService<IConversionsApiDelivery>();

    private static List<ConversionEventRecord> Records(ServerLegHost h, int count) => Records(h, count, DateTimeOffset.UtcNow);

    private static List<ConversionEventRecord> Records(ServerLegHost h, int count, DateTimeOffset at) =>
        [.. TestEvents.Orders(count, at).Select(e => ConversionEventRecord.Create(e, h.Api.PixelId))];
}
