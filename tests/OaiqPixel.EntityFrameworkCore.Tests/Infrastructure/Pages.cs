using System.Net;
using AngleSharp.Html.Parser;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>Reads what a response carries for the browser leg: the pixel's calls and the carrier cookie.</summary>
public static class Pages
{
    /// <summary>The <c>oaiq(…)</c> calls in the page's pixel script.</summary>
    public static async Task<IReadOnlyList<string>> PixelCallsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        var script = document.QuerySelector("head script")?.TextContent ?? string.Empty;
        return [.. script.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("oaiq(", StringComparison.Ordinal))];
    }

    /// <summary>The measured event ids in the page's pixel script.</summary>
    public static async Task<IReadOnlyList<string>> MeasuredIdsAsync(HttpResponseMessage response) =>
        [.. (await PixelCallsAsync(response)).Where(c => c.StartsWith("oaiq(\"measure\"", StringComparison.Ordinal)).Select(IdOf)];

    /// <summary>The carrier cookie's name=value pair, or <see langword="null"/> when the response wrote none.</summary>
    public static string? Carrier(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Where(v => v.StartsWith("__oaiq_carry=", StringComparison.Ordinal) && !v.StartsWith("__oaiq_carry=;", StringComparison.Ordinal)).Select(v => v.Split(';')[0]).FirstOrDefault()
            : null;

    /// <summary>GET with a cookie (the carrier) as the browser would send it on the next page.</summary>
    public static async Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static string IdOf(string call)
    {
        const string Marker = "{\"event_id\":\"";
        var start = call.LastIndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        return call[start..call.IndexOf('"', start)];
    }
}
