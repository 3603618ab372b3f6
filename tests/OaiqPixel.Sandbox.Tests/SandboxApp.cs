using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>
/// A user's own app with the development page: tracking bound from configuration, <c>AddOaiqSandbox()</c>,
/// <c>MapOaiqSandbox()</c> (with or without a policy), on the in-memory test server or, with <c>kestrel</c>, on a real
/// loopback port chosen at start (<c>--urls http://127.0.0.1:0</c>). <c>/view</c> records a <c>contents_viewed</c> and
/// <c>/lead</c> a <c>lead_created</c>, each with the id given in <c>?id=</c>.
/// </summary>
internal sealed class SandboxApp : IAsyncDisposable
{
    public const string AdminPolicy = "OaiqAdmins";
    public const string UserHeader = "X-Test-User";

    private readonly WebApplication _app;

    private readonly bool _kestrel;

    private SandboxApp(WebApplication app, bool kestrel)
    {
        _app = app;
        _kestrel = kestrel;
    }

    public OaiqSandbox Sandbox => _app.Services.GetRequiredService<OaiqSandbox>();

    public IServiceProvider Services => _app.Services;

    /// <summary>The app's configuration: set a key and <c>Reload()</c> to change the options while it runs.</summary>
    public IConfigurationRoot Configuration => (IConfigurationRoot)_app.Configuration;

    public HttpClient CreateClient() => _kestrel ? new HttpClient { BaseAddress = new Uri(_app.Urls.First()) } : _app.GetTestClient();

    /// <summary>Builds the app and maps the page; the mapping's exception (a refused start-up) propagates.</summary>
    public static async Task<SandboxApp> StartAsync(string environment, string? policy = null, IReadOnlyDictionary<string, string?>? settings = null, bool kestrel = false, Action<OaiqSandboxOptions>? sandbox = null, Action<OaiqPixel.AspNetCore.IOaiqTrackingBuilder>? tracking = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oaiq:PixelId"] = "px_sandbox_test",
            ["Oaiq:ConversionsApi:FlushInterval"] = "00:00:00.100",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var trackingBuilder = builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"));
        tracking?.Invoke(trackingBuilder);
        builder.Services.AddOaiqSandbox(sandbox);
        builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("Test", null);
        builder.Services.AddAuthorization(options => options.AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser()));

        var app = builder.Build();
        try
        {
            app.UseRouting();
            app.UseAuthentication();
            app.UseAuthorization();
            app.UseOaiqTracking();
            app.MapOaiqSandbox(policy);
            app.MapGet("/view", (HttpContext context, IConversionTracker tracker) =>
            {
                tracker.Track(OaiqEvent.ContentsViewed(), context.Request.Query["id"].ToString());
                return Results.Content("<!DOCTYPE html><title>product</title>", "text/html");
            });
            app.MapGet("/lead", (HttpContext context, IConversionTracker tracker) =>
            {
                tracker.Track(OaiqEvent.LeadCreated(), context.Request.Query["id"].ToString());
                return Results.Content("<!DOCTYPE html><title>thanks</title>", "text/html");
            });
            await app.StartAsync();
            return new SandboxApp(app, kestrel);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Signs in whoever sends <see cref="UserHeader"/>; anyone else is anonymous (a challenge answers 401).</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(UserHeader, out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}
