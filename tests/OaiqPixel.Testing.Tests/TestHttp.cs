using System.Net;
using System.Text;
using System.Text.Json;

namespace OaiqPixel.Testing.Tests;

internal sealed record PostResult(HttpStatusCode Status, string Body, HttpResponseMessage Response)
{
    public string? ErrorMessage
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.GetProperty("error").GetProperty("message").GetString();
        }
    }
}

internal static class TestHttp
{
    public static async Task<PostResult> PostAsync(this HttpClient client, FakeConversionsApi api, string json, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        var response = await client.PostAsync(api.EventsUri, content);
        var body = await response.Content.ReadAsStringAsync();
        return new PostResult(response.StatusCode, body, response);
    }

    public static Task<PostResult> PostEventsAsync(this HttpClient client, FakeConversionsApi api, params System.Text.Json.Nodes.JsonObject[] events) =>
        client.PostAsync(api, Payloads.BodyJson(events));
}
