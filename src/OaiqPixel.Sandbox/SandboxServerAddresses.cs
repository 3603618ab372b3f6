using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OaiqPixel.AspNetCore;

namespace OaiqPixel.Sandbox;

/// <summary>
/// Where this app listens, for the local Conversions API's address: before the server starts, the configured
/// <c>urls</c> (what <c>dotnet run</c> takes from the launch profile); once it has started, the addresses it bound (a
/// port 0 resolved, Kestrel endpoints from configuration), at which point the tracking options are read again.
/// </summary>
internal sealed class SandboxServerAddresses(IServiceProvider services, IConfiguration configuration, IHostEnvironment environment, IHostApplicationLifetime lifetime)
    : IOptionsChangeTokenSource<OaiqTrackingOptions>, IHostedService, IDisposable
{
    private CancellationTokenSource _started = new();
    private volatile bool _hasStarted;

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_started.Token);

    /// <summary>The app's own address as a client on this machine reaches it, e.g. <c>http://localhost:5142/</c>.</summary>
    public Uri AppAddress()
    {
        var bound = _hasStarted ? services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses : null;
        var urls = bound is { Count: > 0 }
            ? [.. bound]
            : (configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var url = urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? urls.FirstOrDefault();
        if (url is null && configuration["http_ports"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } port)
        {
            url = "http://localhost:" + port;
        }

        return Uri.TryCreate(Localize(url ?? "http://localhost:5000"), UriKind.Absolute, out var address) ? new Uri(address.GetLeftPart(UriPartial.Authority) + "/") : new Uri("http://localhost:5000/");
    }

    /// <summary>A listening address as a client on this machine reaches it: a wildcard host (<c>*</c>, <c>+</c>, any address) becomes <c>localhost</c>.</summary>
    public static string Localize(string url)
    {
        foreach (var wildcard in (string[])["://*", "://+", "://0.0.0.0", "://[::]"])
        {
            url = url.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        }

        return url;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Started);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _started.Dispose();

    /// <summary>After every hosted service started, the server included: in Development the options are read again with its addresses.</summary>
    private void Started()
    {
        _hasStarted = true;
        if (environment.IsDevelopment())
        {
            var started = Interlocked.Exchange(ref _started, new CancellationTokenSource());
            started.Cancel();
            started.Dispose();
        }
    }
}
