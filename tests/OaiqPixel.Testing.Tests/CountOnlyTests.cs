using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OaiqPixel.Testing.Tests;

public sealed class CountOnlyTests
{
    [Fact]
    public async Task CountOnly_AnyEvents_AreCountedWithoutValidationOrRecording()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { CountOnly = true });
        using var client = api.CreateClient();
        var waiting = api.WaitForEventsAsync(5, TimeSpan.FromSeconds(10));

        // Structurally wrong events would be refused by the strict validator; here they are only counted.
        using (var response = await PostAsync(client, api, """{"validate_only":false,"events":[{"id":"a"},{"nested":{"events":[1,2]}},{}]}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var response = await PostAsync(client, api, """{"events":[{"id":"d"},{"id":"e"}]}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var events = await waiting;
        Assert.Empty(events);
        Assert.Equal(5, api.AcceptedEventCount);
        Assert.Equal(2, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal(string.Empty, r.Body));
        Assert.Equal([3, 2], api.Requests.Select(r => r.EventCount));
    }

    [Fact]
    public async Task CountOnly_WrongKeyOrValidateOnly_IsRefusedOrNotCounted()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { CountOnly = true });
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-wrong");
        using (var response = await PostAsync(client, api, """{"events":[{"id":"a"}]}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.ApiKey);
        using (var response = await PostAsync(client, api, """{"validate_only":true,"events":[{"id":"a"}]}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var response = await PostAsync(client, api, """{"events":[]}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(0, api.AcceptedEventCount);
    }

    [Fact]
    public async Task AcceptedEventCount_DefaultMode_FollowsValidatedEvents()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();
        await client.PostEventsAsync(api, Payloads.Event("order", id: "a"), Payloads.Event("lead", id: "b"));

        Assert.Equal(2, api.AcceptedEventCount);
        Assert.Equal(2, api.Events.Count);
        api.ClearRecordings();
        Assert.Equal(0, api.AcceptedEventCount);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, FakeConversionsApi api, string json) =>
        client.PostAsync(api.EventsUri, new StringContent(json, Encoding.UTF8, "application/json"));
}
