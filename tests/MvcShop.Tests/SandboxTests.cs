using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.Sandbox;

namespace MvcShop.Tests;

/// <summary>The development sandbox: the local Conversions API validates like the real one, and the page joins both legs.</summary>
public sealed class SandboxTests : IAsyncLifetime
{
    private ShopApp _shop = null!;

    public Task InitializeAsync()
    {
        _shop = ShopApp.Start(requireConsent: false);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task ConversionsApi_OneBadEvent_RefusesTheWholeBatch()
    {
        // Arrange
        using var client = _shop.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var good = Event("evt_good_1", now, "\"amount\":2599,\"currency\":\"USD\"");
        var bad = Event("evt_bad_1", now, "\"amount\":25.99,\"currency\":\"USD\"");

        // Act
        var rejected = await PostAsync(client, $$"""{"events":[{{good}},{{bad}}]}""");
        var accepted = await PostAsync(client, $$"""{"events":[{{good}}]}""");
        var unauthorized = await PostAsync(client, $$"""{"events":[{{good}}]}""", key: "wrong");
        var missingEvents = await PostAsync(client, good);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Contains("events[1].data.amount", rejected.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.Contains("Missing scopes: ads.third_party_events.write", unauthorized.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missingEvents.Status);
        Assert.Contains("Missing required field: events", missingEvents.Body, StringComparison.Ordinal);
        Assert.Equal(["evt_good_1"], _shop.Sandbox.ServerEvents.Select(e => e.Id));
        Assert.Equal([400, 401, 400], _shop.Sandbox.Rejections.Select(r => r.StatusCode));
        Assert.Equal(["evt_good_1", "evt_bad_1"], _shop.Sandbox.Rejections[0].EventIds);
    }

    [Fact]
    public void Rows_FlagOneLegOnly_NameMismatch_AndDuplicates()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var sandbox = new OaiqSandbox(time);
        var at = time.GetUtcNow();
        sandbox.Add([
            Call("p1", "page_viewed", "evt_both", at),
            Call("p1", "order_created", "order_1", at),
            Call("p1", "order_created", "order_1", at),
            Call("p2", "lead_created", "lead_1", at),
            Call("p2", "items_added", "evt_browser_only", at),
        ]);
        sandbox.Add([
            Server("evt_both", "page_viewed", at),
            Server("order_1", "order_created", at),
            Server("lead_1", "registration_completed", at),
            Server("evt_server_only", "page_viewed", at),
        ]);

        // Act
        var early = sandbox.BuildRows().ToDictionary(r => r.Id);
        time.Advance(TimeSpan.FromMinutes(1));
        var later = sandbox.BuildRows().ToDictionary(r => r.Id);

        // Assert
        Assert.Empty(later["evt_both"].Problems);
        Assert.Equal(["duplicate: fired 2 times in the browser"], later["order_1"].Problems);
        Assert.Equal(["name mismatch: browser 'lead_created', server 'registration_completed'"], later["lead_1"].Problems);
        Assert.Equal(["server leg pending (the sender flushes every few seconds)"], early["evt_browser_only"].Problems);
        Assert.Equal(["browser leg only: the Conversions API never received this id"], later["evt_browser_only"].Problems);
        Assert.Equal(["server leg only: the pixel never fired this id (fine for server-only events)"], later["evt_server_only"].Problems);
    }

    [Fact]
    public void Rows_OneIdSharedByTwoEventsOnBothLegs_APairPerNameWithoutProblems()
    {
        // Arrange: a sign-up measured as registration_completed and lead_created under one id, on both legs.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var sandbox = new OaiqSandbox(time);
        var at = time.GetUtcNow();
        sandbox.Add([Call("p1", "registration_completed", "account_1", at), Call("p1", "lead_created", "account_1", at)]);
        sandbox.Add([Server("account_1", "lead_created", at), Server("account_1", "registration_completed", at)]);

        // Act
        var rows = sandbox.BuildRows();

        // Assert: the name is part of the deduplication key (spec §5): two pairs, each complete.
        Assert.Equal(["lead_created", "registration_completed"], rows.Select(r => r.BrowserName).Order());
        Assert.All(rows, r => Assert.Equal((r.BrowserName, 1, 1), (r.ServerName, r.BrowserCount, r.ServerCount)));
        Assert.All(rows, r => Assert.Empty(r.Problems));
    }

    [Fact]
    public async Task Endpoints_AnswerLoopbackOnly_AndTheSdkStubIsServed()
    {
        // Arrange
        using var client = _shop.CreateClient();

        // Act
        var sdk = await client.GetAsync("/oaiq/sdk.js");
        var json = await client.GetStringAsync("/oaiq/events.json");

        // Assert
        Assert.Equal(HttpStatusCode.OK, sdk.StatusCode);
        Assert.Equal("text/javascript", sdk.Content.Headers.ContentType!.MediaType);
        Assert.Contains("sdk-calls", await sdk.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("{\"rows\":", json, StringComparison.Ordinal);
    }

    private static string Event(string id, long timestampMs, string data) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"id":"{{{id}}}","type":"order_created","timestamp_ms":{{{timestampMs}}},"action_source":"web","source_url":"https://shop.example/checkout","data":{"type":"contents",{{{data}}}}}""");

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string body, string key = "sandbox-dev-key")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oaiq/v1/events?pid=demo-pixel-0001")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static SandboxBrowserCall Call(string page, string name, string id, DateTimeOffset at) =>
        new(page, "/", "measure", name, id, null, false, "[]", at);

    private static SandboxServerEvent Server(string id, string type, DateTimeOffset at) =>
        new(id, type, null, null, "https://shop.example/", false, "{}", at);
}
