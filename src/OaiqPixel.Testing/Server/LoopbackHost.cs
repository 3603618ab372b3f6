using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OaiqPixel.Testing.Server;

/// <summary>
/// The Kestrel server behind <see cref="FakeConversionsApi"/>: binds <c>127.0.0.1</c> (retrying while a just-released
/// port is still busy), keeps the port across stop/resume, and hands every request the host's
/// <see cref="IHostApplicationLifetime.ApplicationStopping"/>, which a stop cancels before Kestrel's graceful shutdown
/// waits for the requests, so that hangs and delays end first.
/// </summary>
/// <remarks>
/// Start and stop are not re-entrant: the facade calls them under its lifecycle semaphore. <c>_app</c> is volatile only
/// so that <see cref="IsListening"/> reads it from any thread.
/// </remarks>
/// <param name="port">The port to bind first; 0 lets the OS choose, and the chosen one is kept for resumes.</param>
/// <param name="handler">Handles each request; its token is cancelled when the host stops listening.</param>
internal sealed class LoopbackHost(int port, Func<HttpContext, CancellationToken, Task> handler)
{
    private static readonly TimeSpan _bindRetryWindow = TimeSpan.FromSeconds(5);

    private volatile WebApplication? _app;
    private int _port = port;

    /// <summary>The port the server is (or was last) bound to.</summary>
    public int Port => _port;

    /// <summary>Whether the listener is currently bound.</summary>
    public bool IsListening => _app is not null;

    /// <summary>Binds <see cref="Port"/>; with <paramref name="retryBind"/> a busy port is retried for a few seconds.</summary>
    public async Task StartAsync(bool retryBind, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_bindRetryWindow.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var app = BuildApp(_port);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                await app.DisposeAsync();
                if (ex is IOException && retryBind && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(50, cancellationToken);
                    continue;
                }

                throw;
            }

            _port = new Uri(app.Urls.First()).Port;
            _app = app;

            return;
        }
    }

    /// <summary>Closes the listener, aborting in-flight requests. No-op when not listening.</summary>
    public async Task StopAsync()
    {
        var app = _app;
        _app = null;
        if (app is null)
        {
            return;
        }

        try
        {
            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private WebApplication BuildApp(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No file watchers: many fakes per test run must not exhaust inotify instances.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });

        var app = builder.Build();
        app.Run(context => handler(context, app.Lifetime.ApplicationStopping));
        return app;
    }
}
