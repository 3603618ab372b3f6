using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace OaiqPixel.Testing.Tests;

/// <summary>Valid batches are answered 2xx and recorded.</summary>
public sealed class AcceptanceTests
{
    [Fact]
    public async Task Batch_Valid_IsAcceptedAndRecorded()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("OaiqPixel/1.0");
        var now = Payloads.NowMs;
        var json = Payloads.BodyJson(Payloads.Event("order", now, "o1"), Payloads.Event("lead", now, "l1"), Payloads.Event("custom", now, "c1"));

        var result = await client.PostAsync(api, json);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("""{"accepted_events":3}""", result.Body);
        Assert.Equal(["o1", "l1", "c1"], api.Events.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(new HashSet<string> { "o1", "l1", "c1" }, api.EventIds);
        Assert.Equal("newsletter_signup", api.Events[2].GetProperty("custom_event_name").GetString());

        var request = Assert.Single(api.Requests);
        Assert.Equal(200, request.StatusCode);
        Assert.False(request.Aborted);
        Assert.Null(request.Fault);
        Assert.Null(request.ErrorMessage);
        Assert.Equal(3, request.EventCount);
        Assert.False(request.ValidateOnly);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/events", request.Path);
        Assert.Equal(api.PixelId, request.PixelId);
        Assert.Equal("Bearer " + api.ApiKey, request.Authorization);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("OaiqPixel/1.0", request.UserAgent);
        Assert.Equal(json, request.Body);
        Assert.Equal(request.RequestId, Assert.Single(result.Response.Headers.GetValues("x-request-id")));
        Assert.Equal(1, api.TotalRequests);
        Assert.Equal(1, api.CountRequests(200));
    }

    [Fact]
    public async Task SpecExample_TimestampNow_IsAccepted()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();

        var result = await client.PostAsync(api, SpecExamples.OrderBody(Payloads.NowMs));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var recorded = Assert.Single(api.Events);
        Assert.Equal("order_12345", recorded.GetProperty("id").GetString());
        Assert.Equal(2599, recorded.GetProperty("data").GetProperty("amount").GetInt32());
    }

    [Fact]
    public async Task SpecExample_OriginalTimestampUnderAFakeClock_IsAccepted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1773892800000).AddHours(1));
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { TimeProvider = clock });
        using var client = api.CreateClient();

        var accepted = await client.PostAsync(api, SpecExamples.OrderBody(1773892800000));
        clock.Advance(TimeSpan.FromDays(7));
        var stale = await client.PostAsync(api, SpecExamples.OrderBody(1773892800000));

        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        Assert.Equal("events[0].timestamp_ms: must be within the last 7 days", stale.ErrorMessage);
        Assert.Equal(clock.GetUtcNow().AddDays(-7), api.Requests[0].ReceivedAt);
    }

    [Theory]
    [InlineData(-7 * 24 * 60, 0, true)]   // exactly 7 days old
    [InlineData(-7 * 24 * 60, -1, false)] // 1 ms older
    [InlineData(10, 0, true)]              // exactly 10 minutes ahead
    [InlineData(10, 1, false)]             // 1 ms further
    public async Task Timestamp_AtTheWindowBoundaries_IsAcceptedInclusively(int minutes, int extraMs, bool accepted)
    {
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { TimeProvider = new FakeTimeProvider(now) });
        using var client = api.CreateClient();
        var ts = now.AddMinutes(minutes).ToUnixTimeMilliseconds() + extraMs;

        var result = await client.PostEventsAsync(api, Payloads.Event("lead", ts));

        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.BadRequest, result.Status);
    }

    // kind, path, value (null = remove): each row is a valid variant that must be accepted.
    public static TheoryData<string, string, string?> ValidVariants => new()
    {
        { "order", "id", "\"order_1\"" },
        { "lead", "id", "\"lead_1\"" },
        { "plan", "id", "\"sub_1\"" },
        { "custom", "id", "\"cust_1\"" },
        { "app", "id", "\"app_1\"" },
        { "app", "type", "\"app_opened\"" },
        { "app", "source_url", "\"https://apps.example.com/open\"" },
        { "order", "type", "\"page_viewed\"" },
        { "order", "type", "\"contents_viewed\"" },
        { "order", "type", "\"items_added\"" },
        { "order", "type", "\"checkout_started\"" },
        { "lead", "type", "\"registration_completed\"" },
        { "lead", "type", "\"appointment_scheduled\"" },
        { "plan", "type", "\"trial_started\"" },
        { "lead", "action_source", null },
        { "lead", "action_source", "\"phone_call\"" },
        { "plan", "action_source", "\"physical_store\"" },
        { "plan", "action_source", "\"offline\"" },
        { "order", "source_url", "\"http://localhost:8080/thanks?x=1#y\"" },
        { "order", "data.amount", "0" },
        { "order", "data.currency", "\"usd\"" },
        { "order", "data.contents", "[]" },
        { "order", "data.contents[0].currency", null },
        { "order", "data", "{\"type\":\"contents\"}" },
        { "order", "user", "{}" },
        { "order", "user.emails_sha256", "[]" },
        { "order", "user.ip_address", "\"2001:db8::1\"" },
        { "order", "user.ip_address", "\"::ffff:203.0.113.1\"" },
        { "order", "opt_out", "true" },
        { "custom", "custom_event_name", "\"a\"" },
        { "custom", "custom_event_name", "\"" + new string('z', 64) + "\"" },
        { "custom", "custom_event_name", "\"promo-click_2\"" },
        { "custom", "data", "{\"type\":\"custom\"}" },
        { "plan", "data", "{\"type\":\"plan_enrollment\",\"amount\":1999,\"currency\":\"JPY\"}" },
        { "plan", "data.contents[0]", "{\"id\":\"pro\",\"amount\":999,\"currency\":\"KWD\"}" },
    };

    [Theory]
    [MemberData(nameof(ValidVariants))]
    public async Task Event_ValidVariant_IsAccepted(string kind, string path, string? json)
    {
        var now = Payloads.NowMs;
        var item = Payloads.Event(kind, now);
        Payloads.Mutate(item, path, json, now);

        // The validator is public, so serializer tests can use it without HTTP; check it agrees with the server.
        using (var document = JsonDocument.Parse(Payloads.BodyJson(item)))
        {
            Assert.Null(ConversionsRequestValidator.Validate(document.RootElement, DateTimeOffset.UtcNow));
        }

        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();

        var result = await client.PostEventsAsync(api, item);

        Assert.True(result.Status == HttpStatusCode.OK, result.Body);
        Assert.Single(api.Events);
    }

    [Fact]
    public async Task IntegrationSource_MixedCaseWithSpaces_IsTrimmedAndLowercasedBeforeValidation()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        var body = Payloads.Body(Payloads.Event("lead"));
        body["integration_source"] = "  Acme.Shop-Plugin_1 ";

        var result = await client.PostAsync(api, body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, result.Status);
    }

    [Fact]
    public async Task Batch_OfOneThousandEvents_IsAccepted()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        var now = Payloads.NowMs;

        var result = await client.PostEventsAsync(api, [.. Enumerable.Range(0, 1000).Select(i => Payloads.Event("order", now, "o" + i))]);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(1000, api.Events.Count);
        Assert.Equal(1000, api.EventIds.Count);
    }

    [Fact]
    public async Task ValidateOnly_True_IsAnsweredButNotRecorded()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        var body = Payloads.Body(Payloads.Event("order"), Payloads.Event("lead"));
        body["validate_only"] = true;

        var result = await client.PostAsync(api, body.ToJsonString());
        var invalid = Payloads.Body(new JsonObject { ["id"] = "x" });
        invalid["validate_only"] = true;
        var refused = await client.PostAsync(api, invalid.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("""{"accepted_events":2}""", result.Body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Empty(api.Events);
        Assert.Empty(api.EventIds);
        Assert.Equal(2, api.TotalRequests);
        Assert.All(api.Requests, r => Assert.True(r.ValidateOnly));
        Assert.Equal(2, api.Requests[0].EventCount);
    }

    [Fact]
    public async Task ValidateOnly_False_IsRecorded()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        var body = Payloads.Body(Payloads.Event("order"));
        body["validate_only"] = false;

        await client.PostAsync(api, body.ToJsonString());

        Assert.Single(api.Events);
    }

    [Fact]
    public async Task SuccessStatusCode_Configured_IsAnswered()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { SuccessStatusCode = 202 });
        using var client = api.CreateClient();

        var result = await client.PostEventsAsync(api, Payloads.Event("lead"));

        Assert.Equal(HttpStatusCode.Accepted, result.Status);
        Assert.Equal(1, api.CountRequests(202));
    }

    [Fact]
    public async Task Options_CustomKeyAndPixel_AreEnforced()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ApiKey = "sk-svcacct-abc", PixelId = "px 1/é" });
        using var client = api.CreateClient();

        var ok = await client.PostEventsAsync(api, Payloads.Event("lead"));
        client.DefaultRequestHeaders.Authorization = new("Bearer", FakeConversionsApiOptions.DefaultApiKey);
        var unauthorized = await client.PostEventsAsync(api, Payloads.Event("lead"));

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.Equal("px 1/é", api.Requests[0].PixelId);
    }

    [Fact]
    public async Task DuplicateIds_AreAllRecorded_ButCountedOnceInEventIds()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();

        await client.PostEventsAsync(api, Payloads.Event("order", id: "same"));
        await client.PostEventsAsync(api, Payloads.Event("order", id: "same"), Payloads.Event("lead", id: "other"));

        Assert.Equal(3, api.Events.Count);
        Assert.Equal(new HashSet<string> { "same", "other" }, api.EventIds);
    }

    [Fact]
    public async Task RecordedEvents_AfterTheRequest_AreIndependentClones()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        await client.PostEventsAsync(api, Payloads.Event("order", id: "keep"));
        await client.PostEventsAsync(api, Payloads.Event("lead", id: "more"));
        GC.Collect();

        var first = api.Events[0];

        Assert.Equal("keep", first.GetProperty("id").GetString());
        Assert.Equal("sku_123", first.GetProperty("data").GetProperty("contents")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Requests_InParallel_AreAllRecorded()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        var now = Payloads.NowMs;

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(r =>
            client.PostEventsAsync(api, [.. Enumerable.Range(0, 5).Select(i => Payloads.Event("lead", now, $"r{r}-e{i}"))])));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(100, api.Events.Count);
        Assert.Equal(100, api.EventIds.Count);
        Assert.Equal(20, api.TotalRequests);
        Assert.Equal(20, api.CountRequests(200));
    }

    [Fact]
    public async Task Port_Fixed_IsBound()
    {
        int port;
        await using (var first = await FakeConversionsApi.StartAsync())
        {
            port = first.Port;
        }

        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { Port = port });

        Assert.Equal(port, api.Port);
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), api.BaseAddress);
    }

    [Fact]
    public async Task Options_Invalid_AreRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ApiKey = "" }));
        await Assert.ThrowsAsync<ArgumentException>(() => FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { PixelId = " " }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { SuccessStatusCode = 400 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromSeconds(-1) }));
    }
}
