using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OaiqPixel.AspNetCore;

namespace OaiqPixel.ReliabilityTests.Fuzz;

/// <summary>
/// A minimal MVC app with <c>AddOaiqTracking</c> + <c>UseOaiqTracking</c>, the <c>&lt;oaiq-pixel /&gt;</c> layout and
/// <see cref="FuzzController"/>; forwarded headers are trusted from anywhere, so hostile <c>X-Forwarded-*</c> values reach
/// the tracking context. In memory (TestServer) for the fuzz, or on a loopback Kestrel for the browser.
/// </summary>
internal sealed class FuzzApp : IAsyncDisposable
{
    public const string PixelId = "px_fuzz_001";
    public const string SdkUrl = "https://bzrcdn.openai.com/sdk/oaiq.min.js";

    private readonly WebApplication _app;

    private FuzzApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public CapturingSink? Sink => _app.Services.GetService<CapturingSink>();

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <param name="kestrel">Serve on a loopback port (for a browser) instead of in memory.</param>
    /// <param name="serverLeg">Use the real server leg with these <c>Oaiq:ConversionsApi</c> settings instead of a capturing sink.</param>
    /// <param name="configure">More options.</param>
    /// <param name="services">More services.</param>
    public static async Task<FuzzApp> StartAsync(bool kestrel = false, IDictionary<string, string?>? serverLeg = null, Action<OaiqTrackingOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ApplicationName = typeof(FuzzApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(serverLeg ?? new Dictionary<string, string?>());
        if (kestrel)
        {
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        builder.Services
            .AddControllersWithViews()
            .ConfigureApplicationPartManager(parts => parts.ApplicationParts.Clear())
            .AddApplicationPart(typeof(FuzzApp).Assembly);
        builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"), options =>
        {
            options.PixelId = PixelId;
            options.SdkUrl = SdkUrl;
            if (serverLeg is null)
            {
                // A key turns the server leg on; the capturing store keeps its records, so nothing is sent.
                options.ConversionsApi.ApiKey ??= "sk-fuzz";
            }

            configure?.Invoke(options);
        });
        if (serverLeg is null)
        {
            builder.Services.AddSingleton<CapturingSink>();
            builder.Services.AddSingleton<OaiqPixel.AspNetCore.ConversionsApi.IConversionEventStore>(sp => sp.GetRequiredService<CapturingSink>());
        }

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.All;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            o.ForwardLimit = null;
        });

        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseRouting();
        app.UseOaiqTracking();
        app.MapControllers();
        await app.StartAsync();
        var baseAddress = kestrel
            ? new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/")
            : new Uri("http://localhost/");
        return new FuzzApp(app, baseAddress);
    }

    /// <summary>An in-memory client that neither follows redirects nor keeps cookies: every request carries exactly what the test sets.</summary>
    public HttpClient CreateClient()
    {
        var client = _app.GetTestServer().CreateClient();
        client.BaseAddress = BaseAddress;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
