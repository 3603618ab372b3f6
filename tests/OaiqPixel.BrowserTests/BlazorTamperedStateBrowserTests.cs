using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// The visitor context rides in the server circuit's persisted state, which the framework protects: a page script that
/// alters it cannot hand the circuit a context of its own making.
/// </summary>
public sealed partial class BlazorTamperedStateBrowserTests(BlazorShopFixture shop) : IClassFixture<BlazorShopFixture>
{
    [Fact]
    public async Task TamperedStateComment_IsRefusedByTheFramework_NoContextReachesTheCircuit_NothingRecorded()
    {
        // Arrange: the cart page's state comment altered on its way to the browser (as a script could before Blazor starts).
        shop.Sandbox.Clear();
        var page = await shop.NewPageAsync();
        var tampered = false;
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") { lock (errors) { errors.Add(message.Text); } } };
        await page.RouteAsync("**/cart*", async route =>
        {
            var response = await route.FetchAsync();
            var html = await response.TextAsync();
            var altered = StateComment().Replace(html, m => m.Groups[1].Value + new string('A', m.Groups[2].Value.Length) + "-->", 1);
            tampered = altered != html;
            await route.FulfillAsync(new() { Response = response, Body = altered });
        });

        // Act
        await page.GotoAsync(shop.Url("/cart?oppref=opp_tampered_page").ToString());
        await Wait.UntilAsync(() => BothLegs.Measured(shop.Sandbox).Any(c => c.EventName == "page_viewed"), "the page's view");
        await Wait.UntilAsync(() => { lock (errors) { return errors.Any(e => e.Contains("The circuit failed to initialize", StringComparison.Ordinal)); } }, "Blazor reporting the circuit refused (the framework could not unprotect its state)");

        // Assert: the framework refuses the whole circuit, so no context of the script's making reaches our code: the
        // button stays static, nothing beyond the page's own view (from its request) is recorded, and our reader never
        // saw a payload (no log 54 or 59).
        Assert.True(tampered, "the page carried a state comment to alter");
        Assert.True(await page.IsDisabledAsync("#add-to-cart"));
        Assert.Equal(["page_viewed"], BothLegs.Measured(shop.Sandbox).Select(c => c.EventName));
        Assert.DoesNotContain(shop.Logs.GetSnapshot(), r => r.Category?.StartsWith("OaiqPixel", StringComparison.Ordinal) == true && r.Id.Id is 54 or 59);
    }

    [GeneratedRegex("(<!--Blazor-Server-Component-State:)([^-]+)-->")]
    private static partial Regex StateComment();
}
