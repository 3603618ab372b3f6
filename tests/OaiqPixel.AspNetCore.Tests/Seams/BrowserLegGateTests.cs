using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Seams;

/// <summary>
/// <see cref="IOaiqBrowserLegGate"/>: the page's one walk asks it about each recorded event. Render renders now (or is
/// carried when nothing renders); Hold keeps the call out of this response and the Post/Redirect/Get carrier takes it to
/// the next page, which renders it; Drop goes nowhere.
/// </summary>
public sealed class BrowserLegGateTests
{
    private const string OrderCall = "oaiq(\"measure\",\"order_created\",{\"type\":\"contents\",\"amount\":2599,\"currency\":\"USD\"},{\"event_id\":\"order_42\"});";

    [Fact]
    public async Task Pixel_EventTheGateReleases_Renders()
    {
        // Arrange
        await using var app = await StartAsync(out var gate);
        gate.State = _ => OaiqBrowserLegState.Render;
        app.Scenario.Record = (tracker, _) => tracker.Track(Order(), "order_42");

        // Act
        var calls = await PixelCallsAsync(app.CreateClient(), "/page");

        // Assert
        Assert.Single(calls, c => c == OrderCall);
        Assert.Equal(["state order_42"], gate.Calls);
    }

    [Fact]
    public async Task Pixel_EventTheGateDrops_RendersNowhere()
    {
        // Arrange
        await using var app = await StartAsync(out var gate);
        gate.State = _ => OaiqBrowserLegState.Drop;
        app.Scenario.Record = (tracker, _) => tracker.Track(Order(), "order_42");

        // Act
        var page = await app.CreateClient().GetAsync("/page");
        var calls = await PixelCallsAsync(page);

        // Assert: not on the page, and not carried to the next one.
        Assert.DoesNotContain(calls, c => c.Contains("order_42", StringComparison.Ordinal));
        Assert.Empty(TestApp.SetCookies(page));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pixel_EventHeldAtRender_IsCarriedToTheNextPage_WhichRendersItOnce(bool releasedAsTheResponseStarts)
    {
        // Arrange: held while the view renders; by the time the response starts, committed or still not known.
        await using var app = await StartAsync(out var gate);
        gate.State = _ => releasedAsTheResponseStarts && gate.Calls.Count > 1 ? OaiqBrowserLegState.Render : OaiqBrowserLegState.Hold;
        app.Scenario.Record = (tracker, _) => tracker.Track(Order(), "order_42");
        var client = app.CreateClient();

        // Act
        var page = await client.GetAsync("/page");
        var pageCalls = await PixelCallsAsync(page);
        var carrier = Assert.Single(TestApp.SetCookies(page));
        app.Scenario.Record = null;
        var next = await GetWithCookieAsync(client, "/page", carrier.Split(';')[0]);

        // Assert: not on this page (which did render a pixel, as log 20 no longer denies); once on the next, not after.
        Assert.DoesNotContain(pageCalls, c => c.Contains("order_42", StringComparison.Ordinal));
        var carried = Assert.Single(app.Logs.GetSnapshot(), l => l.Id.Id == 20);
        Assert.DoesNotContain("renders no pixel", carried.Message, StringComparison.Ordinal);
        Assert.Contains("did not render", carried.Message, StringComparison.Ordinal);
        Assert.Single(await PixelCallsAsync(next), c => c == OrderCall);
        Assert.DoesNotContain(await PixelCallsAsync(client, "/page"), c => c.Contains("order_42", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redirect_EventStillHeldAsTheResponseStarts_IsCarriedToTheNextPage()
    {
        // Arrange: the store's commit is not known yet when the redirect starts (Hold means: the next page renders it).
        await using var app = await StartAsync(out var gate);
        gate.State = _ => OaiqBrowserLegState.Hold;
        app.Scenario.Record = (tracker, _) => tracker.Track(Order(), "order_42");
        var client = app.CreateClient();

        // Act
        var post = await client.PostAsync("/place", null);
        var carrier = Assert.Single(TestApp.SetCookies(post));
        app.Scenario.Record = null;
        var next = await GetWithCookieAsync(client, "/page", carrier.Split(';')[0]);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.StartsWith("__oaiq_carry=", carrier, StringComparison.Ordinal);
        Assert.Single(await PixelCallsAsync(next), c => c == OrderCall);
    }

    [Fact]
    public async Task Redirect_EventTheGateReleasesAsTheResponseStarts_IsCarried()
    {
        // Arrange
        await using var app = await StartAsync(out var gate);
        gate.State = _ => OaiqBrowserLegState.Render;
        app.Scenario.Record = (tracker, _) => tracker.Track(Order(), "order_42");

        // Act
        var post = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.StartsWith("__oaiq_carry=", Assert.Single(TestApp.SetCookies(post)), StringComparison.Ordinal);
        Assert.Equal(["state order_42"], gate.Calls);
    }

    [Fact]
    public async Task Redirect_EventTheGateDrops_IsNotCarried()
    {
        // Arrange
        await using var app = await StartAsync(out var gate);
        gate.State = _ => OaiqBrowserLegState.Drop;
        app.Scenario.Record = (tracker, _) => tracker.Track(Order(), "order_42");

        // Act
        var post = await app.CreateClient().PostAsync("/place", null);

        // Assert
        Assert.Empty(TestApp.SetCookies(post));
    }

    [Fact]
    public async Task Pixel_OnlyTheHeldEventWaits_OthersRecordedWithItRender()
    {
        // Arrange
        await using var app = await StartAsync(out var gate);
        gate.State = e => e.Id == "order_42" ? OaiqBrowserLegState.Hold : OaiqBrowserLegState.Render;
        app.Scenario.Record = (tracker, _) =>
        {
            tracker.Track(Order(), "order_42");
            tracker.Track(OaiqEvent.LeadCreated(), "lead_7");
        };

        // Act
        var calls = await PixelCallsAsync(app.CreateClient(), "/page");

        // Assert
        Assert.Contains(calls, c => c.Contains("\"lead_7\"", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.Contains("order_42", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheGateIsAskedAboutTheInstanceTheStoreReceived()
    {
        // Arrange: a store that keeps the event instances it is handed.
        var gate = new TestGate();
        var stored = new List<ConversionEvent>();
        var seen = new List<ConversionEvent>();
        gate.State = e =>
        {
            seen.Add(e);
            return OaiqBrowserLegState.Render;
        };
        await using var app = await TestApp.StartAsync(services: s =>
        {
            s.AddSingleton<IOaiqBrowserLegGate>(gate);
            s.AddSingleton<IConversionEventStore>(new InstanceStore(stored));
        });
        app.Scenario.Record = (tracker, _) => tracker.Track(Order(), "order_42");

        // Act
        await PixelCallsAsync(app.CreateClient(), "/page");

        // Assert
        Assert.Same(Assert.Single(stored, e => e.Id == "order_42"), Assert.Single(seen));
    }

    private static Task<TestApp> StartAsync(out TestGate gate)
    {
        var created = new TestGate();
        gate = created;
        return TestApp.StartAsync(services: s => s.AddSingleton<IOaiqBrowserLegGate>(created));
    }

    private static OaiqEvent Order() => OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD"));

    private static async Task<IReadOnlyList<string>> PixelCallsAsync(HttpClient client, string path) =>
        await PixelCallsAsync(await client.GetAsync(path));

    private static async Task<IReadOnlyList<string>> PixelCallsAsync(HttpResponseMessage response) =>
        PixelCall.Lines((await TestApp.ParseAsync(response)).QuerySelector("script")!.TextContent);

    private static async Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private sealed class InstanceStore(List<ConversionEvent> stored) : IConversionEventStore
    {
        public bool TryStore(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request)
        {
            stored.Add(conversionEvent);
            return true;
        }
    }

    /// <summary>A gate the test steers, recording what it was asked.</summary>
    private sealed class TestGate : IOaiqBrowserLegGate
    {
        public Func<ConversionEvent, OaiqBrowserLegState> State { get; set; } = _ => OaiqBrowserLegState.Render;

        public List<string> Calls { get; } = [];

        public OaiqBrowserLegState GetState(HttpContext httpContext, ConversionEvent conversionEvent)
        {
            Calls.Add("state " + conversionEvent.Id);
            return State(conversionEvent);
        }
    }
}
