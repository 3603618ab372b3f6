using System.Net;

namespace MvcShop.Tests;

/// <summary>How <c>dotnet run --project samples/MvcShop</c> starts: offline in Development, untracked without a PixelId in Production.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Development_ServesTheShopAndTheSandboxPage_WithoutNetwork()
    {
        // Arrange
        await using var shop = ShopApp.Start(requireConsent: true);
        using var client = shop.CreateClient();

        // Act
        var home = await client.GetAsync("/");
        var sandbox = await client.GetStringAsync("/oaiq");

        // Assert
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("consent-banner", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("OaiqPixel development sandbox", sandbox, StringComparison.Ordinal);
        Assert.True(sandbox.Contains("(this app&#x27;s sandbox)", StringComparison.Ordinal), sandbox[sandbox.IndexOf("<table", StringComparison.Ordinal)..sandbox.IndexOf("</table>", StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task Production_WithoutPixelId_StartsUntracked_AndMapsNoSandbox()
    {
        // Arrange
        await using var shop = ShopApp.Start(requireConsent: false, environment: "Production");
        using var client = shop.CreateClient();

        // Act
        var home = await client.GetStringAsync("/");
        var sandbox = await client.GetAsync("/oaiq");
        var sdk = await client.GetAsync("/oaiq/sdk.js");

        // Assert
        Assert.DoesNotContain("oaiq(", home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, sandbox.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, sdk.StatusCode);
    }

    [Fact]
    public async Task Production_WithPixelId_UsesTheOfficialSdk()
    {
        // Arrange
        await using var shop = ShopApp.Start(requireConsent: false, environment: "Production", new Dictionary<string, string?> { ["Oaiq:PixelId"] = "px_live_1" });
        using var client = shop.CreateClient();

        // Act
        var home = await client.GetStringAsync("/");

        // Assert
        Assert.Contains("\"https://bzrcdn.openai.com/sdk/oaiq.min.js\"", home, StringComparison.Ordinal);
        Assert.Contains("oaiq(\"init\",{\"pixelId\":\"px_live_1\"});", home, StringComparison.Ordinal);
    }
}
