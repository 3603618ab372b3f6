using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>The page's support bundle: a link on the page, served under the page's own rules, redacted.</summary>
public sealed class SandboxSupportBundleTests
{
    [Fact]
    public async Task Page_LinksTheSupportBundle_WhichHoldsTheLocalApisAnswers_AndNoKey()
    {
        // Arrange: a lead whose server leg reaches the page's local Conversions API.
        await using var app = await SandboxApp.StartAsync("Development", kestrel: true);
        using var client = app.CreateClient();
        using var lead = await client.GetAsync("/lead?id=lead_bundle_1");
        await Wait.UntilAsync(() => app.Sandbox.ServerEvents.Any(e => e.Id == "lead_bundle_1"), "lead_bundle_1 at the local Conversions API");

        // Act
        var page = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/oaiq"));
        var href = page.QuerySelector("a#support-bundle")?.GetAttribute("href");
        JsonElement root = default;
        HttpResponseMessage? response = null;
        await Wait.UntilAsync(
            async () =>
            {
                response?.Dispose();
                response = await client.GetAsync(href);
                root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                return root.GetProperty("counts").GetProperty("delivered").GetInt64() >= 1;
            },
            "the delivered lead counted in the bundle");
        using var bundle = response!;
        var json = root.GetRawText();

        // Assert
        Assert.Equal("/oaiq/support-bundle.json", href);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("application/json", bundle.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", bundle.Content.Headers.ContentDisposition?.DispositionType);
        var outcome = root.GetProperty("recent_outcomes").EnumerateArray().First();
        Assert.Equal("delivered", outcome.GetProperty("outcome").GetString());
        Assert.StartsWith("req_sandbox_", outcome.GetProperty("request_id").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("configuration").GetProperty("api_key_set").GetBoolean());
        Assert.DoesNotContain("sandbox-dev-key", json, StringComparison.Ordinal);
        Assert.DoesNotContain("px_sandbox_test", json, StringComparison.Ordinal);
        Assert.DoesNotContain("lead_bundle_1", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SupportBundle_OutsideDevelopment_IsRefusedWithoutThePolicy()
    {
        // Act: without a policy the start-up stops, so the endpoint never answers; with one, only signed-in callers get it.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SandboxApp.StartAsync("Production"));
        await using var app = await SandboxApp.StartAsync("Production", SandboxApp.AdminPolicy);
        using var client = app.CreateClient();
        using var anonymous = await client.GetAsync("/oaiq/support-bundle.json");
        using var signedIn = new HttpRequestMessage(HttpMethod.Get, "/oaiq/support-bundle.json");
        signedIn.Headers.Add(SandboxApp.UserHeader, "ada");
        using var admin = await client.SendAsync(signedIn);

        // Assert
        Assert.Contains("without an authorization policy", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("\"recent_outcomes\"", await admin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
