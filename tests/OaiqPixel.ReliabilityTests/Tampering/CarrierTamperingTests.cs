using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.ReliabilityTests.Fuzz;

namespace OaiqPixel.ReliabilityTests.Tampering;

/// <summary>
/// The Post/Redirect/Get carrier (<c>__oaiq_carry</c>, data-protected, 5 minutes) under attack: forged, foreign,
/// oversized or replayed cookies are ignored and cleared without failing the page, and a carrier renders its events at
/// most once.
/// </summary>
public sealed class CarrierTamperingTests
{
    private const string Marker = "\"event_id\":\"order_77\"";

    [Fact]
    public async Task Replay_OfAConsumedCarrier_DoesNotRenderItsEventsAgain()
    {
        // Arrange: a real carrier, consumed by the page after the redirect; a browser's form post (a navigation, so the
        // recorded view's server copy is sent too).
        await using var app = await FuzzApp.StartAsync();
        using var client = app.CreateClient();
        AddNavigationHeaders(client);
        var carrier = await PlaceAsync(client);
        var first = await PageAsync(client, carrier);
        Assert.Contains(Marker, first.Html, StringComparison.Ordinal);
        Assert.Contains(first.SetCookies, c => c.StartsWith("__oaiq_carry=; ", StringComparison.Ordinal));

        // Act: the captured cookie is sent again, within its lifetime.
        var replay = await PageAsync(client, carrier);

        // Assert: the page renders, without the carried event, and the cookie is cleared again.
        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.DoesNotContain("order_77", replay.Html, StringComparison.Ordinal);
        Assert.Contains(replay.SetCookies, c => c.StartsWith("__oaiq_carry=; ", StringComparison.Ordinal));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains("already used", StringComparison.Ordinal));
        // The server leg got the order once, when it was placed: a carrier never feeds the Conversions API.
        Assert.Single(app.Sink!.Events, e => e.Id == "order_77");
    }

    [Fact]
    public async Task ConcurrentReplays_OfOneCarrier_RenderItsEventsExactlyOnce()
    {
        await using var app = await FuzzApp.StartAsync();
        using var client = app.CreateClient();
        var carrier = await PlaceAsync(client);

        var pages = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => PageAsync(client, carrier)));

        Assert.All(pages, p => Assert.Equal(HttpStatusCode.OK, p.Status));
        Assert.Equal(1, pages.Count(p => p.Html.Contains(Marker, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Carrier_PassingThroughAResponseWithoutPixel_StillRendersOnceOnTheNextPage()
    {
        await using var app = await FuzzApp.StartAsync();
        using var client = app.CreateClient();
        var carrier = await PlaceAsync(client);

        var asset = await SendAsync(client, "/fuzz/asset", carrier);
        var page = await PageAsync(client, carrier);
        var replay = await PageAsync(client, carrier);

        Assert.Empty(asset.SetCookies);
        Assert.Contains(Marker, page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, replay.Html, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Forgeries => new()
    {
        { "bit-flipped", "flip" },
        { "truncated", "truncate" },
        { "from another app's keys", "foreign" },
        { "oversized (10 KB)", "10k" },
        { "oversized (1 MB)", "1m" },
        { "not base64url", "garbage" },
        { "empty", "empty" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedCarrier_IsIgnoredAndCleared(string description, string kind)
    {
        // Arrange
        await using var app = await FuzzApp.StartAsync();
        using var client = app.CreateClient();
        var real = await PlaceAsync(client);
        string forged;
        if (kind == "foreign")
        {
            // Another application: its own Data Protection keys and purpose isolation.
            await using var other = await FuzzApp.StartAsync(services: s => s.AddDataProtection().SetApplicationName("another-app-" + Guid.NewGuid()).UseEphemeralDataProtectionProvider());
            using var otherClient = other.CreateClient();
            forged = await PlaceAsync(otherClient);
        }
        else
        {
            forged = kind switch
            {
                "flip" => real[..20] + (real[20] == 'A' ? 'B' : 'A') + real[21..],
                "truncate" => real[..(real.Length / 2)],
                "10k" => new string('A', 10_240),
                "1m" => new string('A', 1 << 20),
                "garbage" => "!!!not-base64!!!",
                _ => string.Empty,
            };
        }

        // Act
        var page = await PageAsync(client, forged);

        // Assert
        Assert.True(page.Status == HttpStatusCode.OK, description);
        Assert.DoesNotContain("order_77", page.Html, StringComparison.Ordinal);
        Assert.Contains("page_viewed", page.Html, StringComparison.Ordinal);
        Assert.Contains(page.SetCookies, c => c.StartsWith("__oaiq_carry=; ", StringComparison.Ordinal));
        Assert.All(page.SetCookies, c => Assert.Null(ResponseInvariants.CheckSetCookie(c)));
    }

    private static void AddNavigationHeaders(HttpClient client)
    {
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        client.DefaultRequestHeaders.Add("Sec-Fetch-Mode", "navigate");
        client.DefaultRequestHeaders.Add("Sec-Fetch-Dest", "document");
    }

    private static async Task<string> PlaceAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/fuzz/place?id=order_77&content=sku-77", null);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__oaiq_carry=", StringComparison.Ordinal));
        return cookie.Split(';')[0]["__oaiq_carry=".Length..];
    }

    private static Task<(HttpStatusCode Status, string Html, List<string> SetCookies)> PageAsync(HttpClient client, string carrier) =>
        SendAsync(client, "/fuzz/page", carrier);

    private static async Task<(HttpStatusCode Status, string Html, List<string> SetCookies)> SendAsync(HttpClient client, string path, string carrier)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Cookie", "__oaiq_carry=" + carrier);
        using var response = await client.SendAsync(request);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), cookies);
    }
}
