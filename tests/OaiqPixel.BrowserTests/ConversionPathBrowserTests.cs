namespace OaiqPixel.BrowserTests;

/// <summary>
/// Every other conversion path of the shop, driven in Chromium: the form is filled and submitted, the browser follows
/// the redirect, and the thanks page's pixel measures the conversion once with the id the server leg sent.
/// </summary>
public sealed class ConversionPathBrowserTests(OpenShopFixture shop) : IClassFixture<OpenShopFixture>
{
    public static TheoryData<string, string, string, string, string> Paths => new()
    {
        // landing page, the form's submit button, expected event, expected id prefix, a fresh oppref per path
        { "/contact", "#contact-send", "lead_created", "lead_", "gAAAAB_contact-path==" },
        { "/register", "#register-submit", "registration_completed", "registration_customer_", "gAAAAB_register-path==" },
        { "/demo", "#demo-book", "appointment_scheduled", "demo_", "gAAAAB_demo-path==" },
        { "/pricing", "#plan-club-monthly button.subscribe", "subscription_created", "subscription_", "gAAAAB_subscribe-path==" },
        { "/pricing", "#plan-club-yearly button.trial", "trial_started", "trial_", "gAAAAB_trial-path==" },
        { "/", "#newsletter-submit", "custom", "newsletter_", "gAAAAB_newsletter-path==" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task FormPostRedirect_ThanksPageMeasuresTheConversionOnce_WithTheServerLegsId(
        string landing, string submit, string eventName, string idPrefix, string oppref)
    {
        // Arrange: land from an ad on the page that holds the form.
        var page = await shop.NewPageAsync();
        await page.GotoAsync(shop.Url(landing + "?oppref=" + Uri.EscapeDataString(oppref)).ToString());
        var form = page.Locator("form").Filter(new() { Has = page.Locator(submit) });
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["Name"] = "Grace Hopper", ["FirstName"] = "Grace", ["LastName"] = "Hopper", ["Email"] = "grace@example.com",
            ["email"] = "grace@example.com", ["Message"] = "Hello", ["Date"] = "2030-01-15",
        })
        {
            var field = form.Locator($"[name='{name}']:not([type=hidden])");
            if (await field.CountAsync() > 0)
            {
                await field.FillAsync(value);
            }
        }

        // Act: submit; the browser follows the redirect to the thanks page.
        await page.ClickAsync(submit);
        await page.WaitForSelectorAsync("#thanks-title");
        var thanksPath = new Uri(page.Url).AbsolutePath;

        // Assert: the thanks page's pixel measured the conversion once, with an id of the path's form.
        var sandbox = shop.Sandbox;
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Any(c => c.Path == thanksPath && c.EventName == eventName), $"{eventName} on {thanksPath}");
        var thanksPage = sandbox.BrowserCalls.Where(c => c.Path == thanksPath).GroupBy(c => c.PageId).Last().ToList();
        Assert.Single(thanksPage, c => c.Command == "init");
        var conversion = Assert.Single(thanksPage, c => c.Command == "measure" && c.EventName == eventName);
        Assert.StartsWith(idPrefix, conversion.EventId, StringComparison.Ordinal);
        Assert.False(conversion.Dropped);
        Assert.Equal(eventName == "custom" ? "newsletter_signup" : null, conversion.CustomEventName);

        // Assert: the server leg got the same id and name once, with the landing oppref.
        await Wait.UntilAsync(() => sandbox.ServerEvents.Any(e => e.Id == conversion.EventId), $"the server leg of {conversion.EventId}");
        var received = Assert.Single(sandbox.ServerEvents, e => e.Id == conversion.EventId);
        Assert.Equal(eventName, received.Type);
        Assert.Equal(conversion.CustomEventName, received.CustomEventName);
        Assert.Equal(oppref, received.Oppref);
        Assert.Equal(0, shop.AbortedRequests);

        // Reloading the thanks page measures its page view again, never the conversion.
        var pagesBefore = sandbox.BrowserCalls.Count(c => c.Path == thanksPath && c.Command == "init");
        await page.ReloadAsync();
        await Wait.UntilAsync(() => sandbox.BrowserCalls.Count(c => c.Path == thanksPath && c.Command == "init") > pagesBefore, "the reloaded page's pixel calls");
        Assert.Single(sandbox.BrowserCalls, c => c.EventId == conversion.EventId);
    }
}
