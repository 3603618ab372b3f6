using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OaiqPixel.Testing.Tests;

/// <summary>Authentication, pixel, content type, routing and envelope rules.</summary>
public sealed class RequestLevelTests(FakeApiFixture fixture) : IClassFixture<FakeApiFixture>
{
    private const string Expected401Body =
        """{"error":{"message":"You have insufficient permissions for this operation. Missing scopes: ads.third_party_events.write.","type":"invalid_request_error","param":null,"code":null}}""";

    private FakeConversionsApi Api => fixture.Api;

    public static TheoryData<string?> BadAuthorizations =>
    [
        null,
        "Bearer wrong-key",
        "Bearer " + FakeConversionsApiOptions.DefaultApiKey + "x",
        "Basic " + FakeConversionsApiOptions.DefaultApiKey,
        FakeConversionsApiOptions.DefaultApiKey,
        "Bearer",
    ];

    [Theory]
    [MemberData(nameof(BadAuthorizations))]
    public async Task Authorization_WrongOrMissingKey_Gets401WithTheRealWorldMessage(string? authorization)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Api.EventsUri)
        {
            Content = new StringContent(Payloads.BodyJson(Payloads.Event("order")), Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Expected401Body, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(Api.Events);
    }

    [Fact]
    public async Task Authorization_BearerInAnyCase_IsAccepted()
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + Api.ApiKey);

        var result = await client.PostAsync(Api, """{"events":[]}""");

        Assert.Equal(HttpStatusCode.BadRequest, result.Status); // past auth, refused for the empty batch
        Assert.StartsWith("events: must contain between 1 and 1000", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1/events", "Missing required query parameter: pid")]
    [InlineData("v1/events?pid=", "Missing required query parameter: pid")]
    [InlineData("v1/events?pid=other_pixel", "pid: unknown pixel ID \"other_pixel\"")]
    [InlineData("v1/events?pid=" + FakeConversionsApiOptions.DefaultPixelId + "&pid=x", "pid: unknown pixel ID")]
    public async Task PixelId_MissingOrWrong_Gets400(string relative, string expected)
    {
        using var content = new StringContent(Payloads.BodyJson(Payloads.Event("order")), Encoding.UTF8, "application/json");
        using var response = await fixture.Client.PostAsync(relative, content);
        var result = new PostResult(response.StatusCode, await response.Content.ReadAsStringAsync(), response);

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.StartsWith(expected, result.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/problem+json")]
    public async Task ContentType_NotJson_Gets415(string contentType)
    {
        var result = await fixture.Client.PostAsync(Api, Payloads.BodyJson(Payloads.Event("order")), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, result.Status);
        Assert.StartsWith("Content-Type must be application/json", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentType_Missing_Gets415()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Payloads.BodyJson(Payloads.Event("order"))));
        using var response = await fixture.Client.PostAsync(Api.EventsUri, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Body_Compressed_Gets415()
    {
        using var content = new StringContent(Payloads.BodyJson(Payloads.Event("order")), Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await fixture.Client.PostAsync(Api.EventsUri, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Request_UnknownPathOrWrongMethod_Gets404Or405()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var notFound = await fixture.Client.PostAsync("v1/event?pid=" + Api.PixelId, content);
        using var notAllowed = await fixture.Client.GetAsync(Api.EventsUri);

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, notAllowed.StatusCode);
    }

    [Fact]
    public async Task Envelope_MissingEvents_Gets400WithTheRealWorldMessage()
    {
        // The classic mistake: one event at the body root, without the {"events": [...]} wrapper.
        var result = await fixture.Client.PostAsync(Api, Payloads.Event("order").ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("""{"error":{"message":"Missing required field: events","type":"invalid_request_error","param":null,"code":null}}""", result.Body);
        Assert.Empty(Api.Events);
    }

    public static TheoryData<string, string> BadEnvelopes => new()
    {
        { """{"validate_only":"true","events":[@EVENT]}""", "validate_only: must be a boolean" },
        { """{"validate_only":1,"events":[@EVENT]}""", "validate_only: must be a boolean" },
        { """{"integration_source":"","events":[@EVENT]}""", "integration_source: must be 1-64 ASCII characters" },
        { """{"integration_source":"   ","events":[@EVENT]}""", "integration_source: must be 1-64 ASCII characters" },
        { """{"integration_source":"-acme","events":[@EVENT]}""", "integration_source: must be 1-64 ASCII characters" },
        { """{"integration_source":"acme/shop","events":[@EVENT]}""", "integration_source: must be 1-64 ASCII characters" },
        { """{"integration_source":"acmé","events":[@EVENT]}""", "integration_source: must be 1-64 ASCII characters" },
        { "{\"integration_source\":\"" + new string('a', 65) + "\",\"events\":[@EVENT]}", "integration_source: must be 1-64 ASCII characters" },
        { """{"integration_source":5,"events":[@EVENT]}""", "integration_source: must be a string" },
        { """{"user":{},"events":[@EVENT]}""", "user: unknown field" },
        { """{"pixel_id":"x","events":[@EVENT]}""", "pixel_id: unknown field" },
        { """{"events":{}}""", "events: must be an array" },
        { """{"events":null}""", "events: must be an array" },
        { """{"events":[]}""", "events: must contain between 1 and 1000 events (got 0)" },
        { """{"events":[1]}""", "events[0]: must be an object" },
        { """{"events":[@EVENT, []]}""", "events[1]: must be an object" },
        { """[@EVENT]""", "Request body must be a JSON object" },
        { """{"events":[@EVENT]""", "Invalid JSON body" },
        { "", "Invalid JSON body" },
        { """{"events":[@EVENT],"events":[@EVENT]}""", "Invalid JSON body" },
    };

    [Theory]
    [MemberData(nameof(BadEnvelopes))]
    public async Task Envelope_Bad_IsRefusedWith400(string template, string expected)
    {
        var json = template.Replace("@EVENT", Payloads.Event("order").ToJsonString(), StringComparison.Ordinal);

        var result = await fixture.Client.PostAsync(Api, json);

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.StartsWith(expected, result.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(Api.Events);
    }

    [Fact]
    public async Task Batch_MoreThanOneThousandEvents_IsRefused()
    {
        var events = Enumerable.Range(0, 1001).Select(i => Payloads.Event("lead", id: "e" + i)).ToArray();

        var result = await fixture.Client.PostEventsAsync(Api, events);

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("events: must contain between 1 and 1000 events (got 1001)", result.ErrorMessage);
        Assert.Empty(Api.Events);
    }

    [Fact]
    public void CreateClient_Default_CarriesBaseAddressAndKey()
    {
        using var client = Api.CreateClient();

        Assert.Equal(Api.BaseAddress, client.BaseAddress);
        Assert.Equal(new AuthenticationHeaderValue("Bearer", Api.ApiKey), client.DefaultRequestHeaders.Authorization);
        Assert.Equal($"http://127.0.0.1:{Api.Port}/v1/events?pid={Api.PixelId}", Api.EventsUri.ToString());
    }
}
