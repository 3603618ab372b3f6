using Microsoft.Extensions.Time.Testing;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>One bad event must never cost the good ones: split-and-isolate, dead letters, stale events.</summary>
public sealed class ConversionsApiRejectionTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Send_OnePoisonEventInAThousand_IsIsolatedInLogarithmicRequestsAndTheRestArrive()
    {
        // Arrange
        await using var h = await ServerLegHost.StartAsync(o =>
        {
            o.ConversionsApi.MaxBatchSize = 1000;
            o.ConversionsApi.FlushInterval = TimeSpan.FromHours(1);
        }, startSender: false);
        using var splits = h.Collect<long>("oaiq.batch.splits");
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        var events = TestEvents.Orders(1000, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);
        h.Api.PoisonEvent = e => e.GetProperty("id").GetString() == "order_537";

        // Act
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(999, s_wait);
        await Wait.UntilAsync(() => h.DeadLetters.Count == 1, "the poison event's dead letter", () => $"{h.DeadLetters.Count} dead letter(s)");

        // Assert
        var expected = events.Select(e => e.Id).Where(id => id != "order_537").ToHashSet();
        Assert.Equal(expected, h.Api.EventIds);
        Assert.Equal(999, h.Api.Events.Count);
        Assert.True(h.Api.TotalRequests <= 22, $"{h.Api.TotalRequests} requests to isolate one bad event in 1,000 (2*log2(1000)+2 = 22 allowed).");
        var dead = Assert.Single(h.DeadLetters);
        Assert.Equal("order_537", dead.Record.Id);
        Assert.Equal(400, dead.StatusCode);
        Assert.False(string.IsNullOrEmpty(dead.ErrorMessage));
        Assert.True(splits.GetMeasurementSnapshot().Sum(m => m.Value) >= 9);
        Assert.Equal(1, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.drop.reason"] == "dead_letter").Sum(m => m.Value));
        var log = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 113);
        Assert.Contains("order_537", log.Message, StringComparison.Ordinal);
        Assert.Contains(dead.ErrorMessage!, log.Message, StringComparison.Ordinal);
        h.AssertNoSecretsLogged();
    }

    [Fact]
    public async Task Send_SeveralPoisonEvents_AreAllIsolatedAndEveryGoodEventArrives()
    {
        await using var h = await ServerLegHost.StartAsync(o =>
        {
            o.ConversionsApi.MaxBatchSize = 1000;
            o.ConversionsApi.FlushInterval = TimeSpan.FromHours(1);
        }, startSender: false);
        var poison = new HashSet<string> { "order_3", "order_4", "order_400", "order_401", "order_998" };
        var events = TestEvents.Orders(1000, DateTimeOffset.UtcNow);
        h.EnqueueAll(events);
        h.Api.PoisonEvent = e => poison.Contains(e.GetProperty("id").GetString()!);

        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(995, s_wait);
        await Wait.UntilAsync(() => h.DeadLetters.Count == 5, "the five poison events' dead letters", () => $"{h.DeadLetters.Count} dead letter(s)");

        Assert.Equal(events.Select(e => e.Id).Where(id => !poison.Contains(id)).ToHashSet(), h.Api.EventIds);
        Assert.Equal(poison, h.DeadLetters.Select(d => d.Record.Id).ToHashSet());
        // k * 2 * log2(n) + 1 = 5 * 20 + 1; one-by-one would be 1,001.
        Assert.True(h.Api.TotalRequests <= 101, $"{h.Api.TotalRequests} requests for 5 bad events in 1,000.");
    }

    [Fact]
    public async Task Send_RejectedSingleEvent_IsDeadLetteredAndNotRetried()
    {
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        h.EnqueueAll(TestEvents.Orders(1, DateTimeOffset.UtcNow));
        h.Api.EnqueueFault(Fault.Status(422, body: """{"error":{"message":"events[0].data.currency: unsupported"}}"""));

        await h.StartSenderAsync();
        await Wait.UntilAsync(() => h.DeadLetters.Count == 1, "the rejected event's dead letter", () => string.Join("\n", h.LogTexts()) + "\n" + string.Join("\n", h.Api.Requests));

        // A later event is delivered: the sender has moved on, so a retry of the rejected one would have been sent by now.
        Assert.True(h.Sink.TryEnqueue(TestEvents.Order("order_later", DateTimeOffset.UtcNow)));
        await h.Api.WaitForEventsAsync(1, s_wait);

        Assert.Equal(["order_later"], h.Api.EventIds);
        Assert.Equal(2, h.Api.TotalRequests);
        Assert.Single(h.Api.Requests, r => r.Body.Contains("\"order_0\"", StringComparison.Ordinal));
        Assert.Equal("events[0].data.currency: unsupported", h.DeadLetters[0].ErrorMessage);
        Assert.Equal(422, h.DeadLetters[0].StatusCode);
    }

    [Fact]
    public async Task Send_TheLiveApisObservedAnswers_AcceptedEventsIsDelivered_TheMismatchEnvelopesMessageIsTheDeadLetters()
    {
        // Arrange: the fake's answer to lead_created with contents data, as the live API answered it (observed 2026-09-10).
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        using var client = h.Api.CreateClient();
        using var post = new HttpRequestMessage(HttpMethod.Post, h.Api.EventsUri)
        {
            Content = new StringContent(
                $$$"""{"events":[{"id":"lead_1","type":"lead_created","timestamp_ms":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"action_source":"web","source_url":"https://shop.example/contact","data":{"type":"contents"}}]}""",
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        post.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", h.Api.ApiKey);
        using var mismatch = await client.SendAsync(post);
        var mismatchBody = await mismatch.Content.ReadAsStringAsync();
        h.EnqueueAll(TestEvents.Orders(1, DateTimeOffset.UtcNow));
        h.Api.EnqueueFault(Fault.Status(400, body: mismatchBody));

        // Act
        await h.StartSenderAsync();
        await Wait.UntilAsync(() => h.DeadLetters.Count == 1, "the refused event's dead letter", () => string.Join("\n", h.LogTexts()));
        Assert.True(h.Sink.TryEnqueue(TestEvents.Order("order_later", DateTimeOffset.UtcNow)));
        await h.Api.WaitForEventsAsync(1, s_wait);

        // Assert: the client reads error.message from the four-key envelope, and takes {"accepted_events":n} as delivered.
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, mismatch.StatusCode);
        using var envelope = System.Text.Json.JsonDocument.Parse(mismatchBody);
        var error = envelope.RootElement.GetProperty("error");
        Assert.Equal(ConversionsApiSchema.EventTypeDataMismatchCode, error.GetProperty("code").GetString());
        Assert.Equal((400, error.GetProperty("message").GetString()), (h.DeadLetters[0].StatusCode, h.DeadLetters[0].ErrorMessage));
        Assert.Equal("order_0", h.DeadLetters[0].Record.Id);
        var delivered = Assert.Single(h.Api.Requests, r => r.Body.Contains("\"order_later\"", StringComparison.Ordinal));
        Assert.Equal("""{"accepted_events":1}""", delivered.ResponseBody);
        Assert.Equal(["order_later"], h.Api.EventIds);
    }

    [Fact]
    public async Task Send_EventThatAgedPastTheWindowInTheQueue_IsDroppedBeforeSendingAndDoesNotPoisonItsBatch()
    {
        // Arrange: one event is valid when queued but past the 7-day window (minus the safety margin) when sent.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerLegHost.StartAsync(o => o.ConversionsApi.MaxBatchSize = 10, timeProvider: time, startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        var now = time.GetUtcNow();
        var old = TestEvents.Order("order_old", now - TimeSpan.FromDays(7) + TimeSpan.FromMinutes(15));
        var fresh = TestEvents.Orders(9, now);
        Assert.True(h.Sink.TryEnqueue(old));
        h.EnqueueAll(fresh);

        // Act
        time.Advance(TimeSpan.FromMinutes(10));
        await h.StartSenderAsync();
        await h.Api.WaitForEventsAsync(9, s_wait);

        // Assert: one clean request with the nine fresh events; the old one never left.
        var request = Assert.Single(h.Api.Requests);
        Assert.Equal(200, request.StatusCode);
        Assert.Equal(9, request.EventCount);
        Assert.DoesNotContain("order_old", request.Body, StringComparison.Ordinal);
        Assert.Equal(1, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.drop.reason"] == "stale").Sum(m => m.Value));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 111 && r.Message.Contains("order_old", StringComparison.Ordinal));

        // Forgotten, not dead-lettered.
        Assert.Empty(h.DeadLetters);
    }

    [Fact]
    public async Task TryEnqueue_EventAlreadyTooOld_IsRefusedAsInvalidAndLogged()
    {
        await using var h = await ServerLegHost.StartAsync(startSender: false);
        using var dropped = h.Collect<long>("oaiq.events.dropped");
        var tooOld = TestEvents.Order("order_ancient", DateTimeOffset.UtcNow - TimeSpan.FromDays(8));
        var noSource = new ConversionEvent(OaiqEvent.LeadCreated(), "lead_1", DateTimeOffset.UtcNow);

        Assert.False(h.Sink.TryEnqueue(tooOld));
        Assert.False(h.Sink.TryEnqueue(noSource));

        Assert.Equal(2, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.drop.reason"] == "invalid").Sum(m => m.Value));
        var logs = h.Logs.GetSnapshot().Where(r => r.Id.Id == 102).ToList();
        Assert.Equal(2, logs.Count);
        Assert.Contains("order_ancient", logs[0].Message, StringComparison.Ordinal);
        Assert.Contains("timestamp_ms", logs[0].Message, StringComparison.Ordinal);
        Assert.Contains("action_source", logs[1].Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Queue.Count);
    }
}
