using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Components;
using OaiqPixel.AspNetCore.Tests.TestApps;
using OaiqPixel.AspNetCore.Tests.TestApps.Components;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Tests.Components;

/// <summary>
/// Issue 21 item 1(b): the visitor context reaches an interactive server circuit as the framework's persistent component
/// state, which the framework protects once per page whether or not we add to it: the library makes no Data Protection
/// call of its own, on a static page or on one that starts a circuit.
/// </summary>
public sealed partial class CircuitVisitorTests
{
    private const string ChromeUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    // The purpose the framework protects the server circuits' persisted state with (ProtectedPrerenderComponentApplicationStore).
    private const string ServerStatePurpose = "Microsoft.AspNetCore.Components.Server.State";

    private static Task<TestApp> StartAsync(CountingDataProtection counter, bool enabled = true) => TestApp.StartAsync(
        options => options.Enabled = enabled,
        services: s =>
        {
            s.AddRazorComponents().AddInteractiveServerComponents();
            counter.Decorate(s);
        },
        endpoints: app =>
        {
            app.UseAntiforgery();
            app.MapRazorComponents<TestRoot>().AddInteractiveServerRenderMode();
        });

    [Theory]
    [InlineData("/blazor/events")]
    [InlineData("/blazor/interactive")]
    public async Task Page_InAnAppWithInteractiveServerComponents_TheLibraryMakesNoDataProtectionCall(string path)
    {
        // Arrange: the same app with tracking on and off; each counts the Data Protection calls of one page (after a
        // first page, so start-up work is not counted).
        var tracked = new CountingDataProtection();
        var untracked = new CountingDataProtection();
        await using var trackedApp = await StartAsync(tracked);
        await using var untrackedApp = await StartAsync(untracked, enabled: false);
        await trackedApp.CreateClient().GetStringAsync(new Uri("/blazor/events", UriKind.Relative));
        await untrackedApp.CreateClient().GetStringAsync(new Uri("/blazor/events", UriKind.Relative));
        tracked.Reset();
        untracked.Reset();

        // Act
        var html = await trackedApp.CreateClient().GetStringAsync(new Uri(path + "?oppref=opp_page", UriKind.Relative));
        await untrackedApp.CreateClient().GetStringAsync(new Uri(path + "?oppref=opp_page", UriKind.Relative));

        // Assert: the pixel rendered, and the page's protections are the framework's own, as many as without tracking;
        // exactly one protects the state a circuit starts with.
        Assert.Contains("data-oaiq-page", html, StringComparison.Ordinal);
        Assert.Equal(untracked.Protected.Order(), tracked.Protected.Order());
        Assert.DoesNotContain(tracked.Protected, p => p.StartsWith("OaiqPixel", StringComparison.Ordinal));
        Assert.Single(tracked.Protected, ServerStatePurpose);
    }

    [Fact]
    public async Task PageWithAnInteractiveServerComponent_CarriesTheVisitorContextInTheProtectedState()
    {
        await using var app = await StartAsync(new CountingDataProtection());
        var client = app.CreateClient();

        var html = await client.GetStringAsync(new Uri("/blazor/interactive?oppref=opp_circuit", UriKind.Relative));

        // The page's script sees only the framework's protected state: no oppref, no visitor context in the clear.
        Assert.DoesNotContain("opp_circuit", html, StringComparison.Ordinal);
        var visitor = VisitorIn(app, html);
        Assert.NotNull(visitor);
        Assert.Equal("opp_circuit", visitor.Oppref);
        Assert.Equal(TestApp.BrowserUserAgent, visitor.UserAgent);
        Assert.Equal([TestApp.PixelId], visitor.PixelIds);
    }

    [Fact]
    public void Write_ThenRead_GivesTheRequestsVisitorBack()
    {
        var visitors = Visitors();

        var visitor = CircuitVisitor.Read(visitors.Write(Context("oppref=gAAAAB-x_Y==", ChromeUserAgent, "203.0.113.9")), out var reason);

        Assert.Null(reason);
        Assert.NotNull(visitor);
        Assert.Equal("gAAAAB-x_Y==", visitor.Oppref);
        Assert.Equal(OaiqConsent.NotRequired, visitor.Consent);
        Assert.Equal("203.0.113.9", visitor.IpAddress);
        Assert.Equal(ChromeUserAgent, visitor.UserAgent);
        Assert.Null(visitor.ViewSkipReason);
    }

    [Fact]
    public void Write_ForABot_ItsViewsKeepToTheBrowser()
    {
        var visitor = CircuitVisitor.Read(Visitors().Write(Context("", "Googlebot/2.1 (+http://www.google.com/bot.html)", "198.51.100.7")), out _);

        Assert.Equal("bot", visitor!.ViewSkipReason);
    }

    [Fact]
    public void Read_APayloadNotUnderstood_IsRefusedWithAReason()
    {
        Assert.Null(CircuitVisitor.Read("not json"u8.ToArray(), out var reason));
        Assert.NotNull(reason);
        Assert.Null(CircuitVisitor.Read("{\"o\":\"x\"}"u8.ToArray(), out _));
    }

    [Fact]
    public void TwoPixelsOnOnePage_TheContextIsPersistedOnce()
    {
        // A second <OaiqPixel /> on a page without consent renders nothing too, and would persist under the same key (log 59).
        var state = new Microsoft.AspNetCore.Components.Infrastructure.ComponentStatePersistenceManager(
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Microsoft.AspNetCore.Components.Infrastructure.ComponentStatePersistenceManager>.Instance).State;
        var tracking = Context("", ChromeUserAgent, "203.0.113.7");

        var first = Visitors().PersistForCircuit(state, tracking);
        var second = Visitors().PersistForCircuit(state, tracking);

        Assert.NotNull(first);
        Assert.Null(second);
    }

    [Fact]
    public void AnAppWithoutInteractiveServerComponents_PersistsNothing()
    {
        var services = new ServiceCollection().BuildServiceProvider();

        var visitors = new CircuitVisitor(Options.Create(new OaiqTrackingOptions { PixelId = "px_1" }), services.GetRequiredService<Microsoft.Extensions.DependencyInjection.IServiceProviderIsService>());

        Assert.False(visitors.CircuitsCanStart);
    }

    private static VisitorContext? VisitorIn(TestApp app, string html)
    {
        var state = StateComment().Match(html);
        Assert.True(state.Success, "the page persists state for the server circuit");
        var bytes = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ServerStatePurpose).Unprotect(Convert.FromBase64String(state.Groups[1].Value));
        var entries = JsonSerializer.Deserialize<Dictionary<string, byte[]>>(bytes)!;
        return CircuitVisitor.Read(entries["OaiqPixel.AspNetCore.Components.Visitor"], out _);
    }

    [GeneratedRegex("<!--Blazor-Server-Component-State:([^-]+)-->")]
    private static partial Regex StateComment();

    private static CircuitVisitor Visitors() => new(Options.Create(new OaiqTrackingOptions { PixelId = "px_1" }));

    private static OaiqTrackingContext Context(string query, string userAgent, string ip)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("shop.example");
        http.Request.QueryString = new QueryString(query.Length > 0 ? "?" + query : "");
        http.Request.Headers.UserAgent = userAgent;
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(ip);
        var landing = LandingRequest.Read(http.Request, OaiqConsent.NotRequired, NullLogger.Instance);
        return new OaiqTrackingContext(http, OaiqConsent.NotRequired, landing, null, new OaiqServerViewOptions());
    }

    /// <summary>Decorates the app's Data Protection to count what it protects, by the protector's purpose chain.</summary>
    private sealed class CountingDataProtection
    {
        private ConcurrentQueue<string> _protected = new();

        /// <summary>The purpose chain of each payload protected since the last <see cref="Reset"/>.</summary>
        public IReadOnlyCollection<string> Protected => _protected;

        public void Reset() => _protected = new();

        public void Decorate(IServiceCollection services)
        {
            var inner = services.Last(d => d.ServiceType == typeof(IDataProtectionProvider));
            services.Remove(inner);
            services.AddSingleton<IDataProtectionProvider>(sp => new Provider(this, (IDataProtectionProvider)inner.ImplementationFactory!(sp)));
        }

        private sealed class Provider(CountingDataProtection counter, IDataProtectionProvider inner) : IDataProtectionProvider
        {
            public IDataProtector CreateProtector(string purpose) => new Protector(counter, purpose, inner.CreateProtector(purpose));
        }

        private sealed class Protector(CountingDataProtection counter, string purposes, IDataProtector inner) : IDataProtector
        {
            public IDataProtector CreateProtector(string purpose) => new Protector(counter, purposes + "/" + purpose, inner.CreateProtector(purpose));

            public byte[] Protect(byte[] plaintext)
            {
                counter._protected.Enqueue(purposes);
                return inner.Protect(plaintext);
            }

            public byte[] Unprotect(byte[] protectedData) => inner.Unprotect(protectedData);
        }
    }
}
