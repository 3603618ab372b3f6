namespace MvcShop.Tests;

/// <summary>Shop:RequireConsent on: nothing is tracked until the visitor accepts; a decline is remembered.</summary>
public sealed class ConsentTests : IAsyncLifetime
{
    private ShopApp _shop = null!;

    public Task InitializeAsync()
    {
        _shop = ShopApp.Start(requireConsent: true);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task Decline_NoPixelNoCookieNoServerEvent_ThenAcceptLater_TrackingResumes()
    {
        // Arrange
        using var visitor = _shop.CreateSession();

        // Act 1: land with an oppref, decline, browse and add to cart.
        await visitor.GetAsync("/?oppref=gAAAA_consent");
        Assert.NotNull(visitor.Page.QuerySelector("#consent-banner"));
        Assert.Empty(visitor.Calls);
        await visitor.SubmitAsync("#consent-banner form[action='/consent/decline']");
        var afterDecline = visitor.Page;
        await visitor.GetAsync("/products/sku-2");
        await visitor.SubmitAsync("form[action='/cart/add']");

        // Assert 1: no banner once declined, no pixel, no __oppref (nothing queued for the API: checked below, once a
        // later event has reached it).
        Assert.Null(afterDecline.QuerySelector("#consent-banner"));
        Assert.Empty(visitor.Measured);
        Assert.Null(visitor.Page.Head!.QuerySelector("script"));
        Assert.DoesNotContain("__oppref", await CookieHeaderAsync(visitor));

        // Act 2: accept on the privacy page, then view a product.
        await visitor.GetAsync("/privacy");
        Assert.Contains("declined", visitor.Page.QuerySelector("#consent-state")!.TextContent, StringComparison.Ordinal);
        await visitor.SubmitAsync("form[action='/consent/accept']");
        var consentCall = visitor.Calls[0];
        await visitor.GetAsync("/products/sku-1");

        // Assert 2: consent(true) precedes init, events flow on both legs again.
        Assert.Equal("""["consent",true]""", consentCall.Arguments.GetRawText());
        var viewed = Assert.Single(visitor.Calls, c => c.EventName == "contents_viewed");
        await Wait.UntilAsync(() => _shop.Sandbox.ServerEvents.Any(e => e.Id == viewed.EventId), "the server leg after consent");
        Assert.DoesNotContain(_shop.Sandbox.ServerEvents, e => e.Type == "items_added");

        // The events after consent are sent after anything queued while declined would have been: every event the API
        // got was measured after the visitor accepted, so nothing was queued while declined.
        var measuredAfterConsent = visitor.Measured.Select(m => m.Call.EventId).ToHashSet();
        Assert.All(_shop.Sandbox.ServerEvents, e => Assert.Contains(e.Id, measuredAfterConsent));
    }

    [Fact]
    public async Task AcceptOnTheBanner_KeepsTheLandingOppref()
    {
        // Arrange
        using var visitor = _shop.CreateSession();
        await visitor.GetAsync("/products/sku-3?oppref=gAAAA-accept%3D%3D");

        // Act: the banner returns to the landing URL, so its oppref is captured once consent exists.
        await visitor.SubmitAsync("#consent-banner form[action='/consent/accept']");

        // Assert
        Assert.Null(visitor.Page.QuerySelector("#consent-banner"));
        var viewed = Assert.Single(visitor.Calls, c => c.EventName == "contents_viewed");
        await Wait.UntilAsync(() => _shop.Sandbox.ServerEvents.Any(e => e.Id == viewed.EventId), "the server leg");
        Assert.Equal("gAAAA-accept==", _shop.Sandbox.ServerEvents.Single(e => e.Id == viewed.EventId).Oppref);
    }

    private static async Task<string> CookieHeaderAsync(ShopSession visitor)
    {
        // The factory's cookie handler writes the Cookie header on the request it sends: read it back from any request.
        using var response = await visitor.Client.GetAsync("/oaiq/events.json");
        return response.RequestMessage!.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : string.Empty;
    }
}
