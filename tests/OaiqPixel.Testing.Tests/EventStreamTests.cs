using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace OaiqPixel.Testing.Tests;

/// <summary>The fake's events stream (spec §4.10): the Ads API key, its rows of both channels, and an account without it.</summary>
public sealed class EventStreamTests
{
    [Fact]
    public async Task Stream_ListsAcceptedEventsAsServerRows_AndAddedPixelRows_NewestFirst()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { TimeProvider = time });
        using var client = api.CreateClient();
        var sent = time.GetUtcNow().ToUnixTimeMilliseconds();
        await client.PostEventsAsync(api, Payloads.Event("order", sent, "o1"));
        time.Advance(TimeSpan.FromSeconds(5));
        api.AddPixelEvent("order_created");

        var (status, rows) = await ReadAsync(api, api.AdsApiKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Collection(
            rows!.Value.EnumerateArray(),
            pixel =>
            {
                Assert.Equal("pixel_sdk", pixel.GetProperty("api_channel").GetString());
                Assert.Equal("order_created", pixel.GetProperty("event_type").GetString());
                Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), pixel.GetProperty("received_at_ms").GetInt64());
            },
            server =>
            {
                Assert.Equal("server_to_server", server.GetProperty("api_channel").GetString());
                Assert.Equal("order_created", server.GetProperty("event_type").GetString());
                Assert.Equal(sent, server.GetProperty("event_timestamp_ms").GetInt64());
            });

        // Rows older than 15 minutes are no longer listed.
        time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(0, (await ReadAsync(api, api.AdsApiKey)).Rows!.Value.GetArrayLength());
    }

    [Fact]
    public async Task Stream_RefusesTheConversionsApiKey_And_AnswersFeatureNotAvailable_WhenSwitchedOff()
    {
        await using var api = await FakeConversionsApi.StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await ReadAsync(api, api.ApiKey)).Status);

        api.EventStreamAvailable = false;
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.AdsApiKey);
        using var response = await client.GetAsync($"v1/conversions/events?pid={api.PixelId}&limit=50");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("feature_not_available", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(2, api.Requests.Count(r => r.Path == "/v1/conversions/events"));
    }

    private static async Task<(HttpStatusCode Status, JsonElement? Rows)> ReadAsync(FakeConversionsApi api, string key)
    {
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.GetAsync($"v1/conversions/events?pid={api.PixelId}&limit=50");
        if (!response.IsSuccessStatusCode)
        {
            return (response.StatusCode, null);
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.GetProperty("data").Clone());
    }
}
