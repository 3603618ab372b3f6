using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.Sandbox;

/// <summary>
/// In Development, points both legs at the sandbox unless the app configured them itself: the pixel loads the stub SDK
/// (<c>Oaiq:SdkUrl</c>), and the Conversions API is this app's own loopback address (<c>Oaiq:ConversionsApi:BaseAddress</c>,
/// from the <c>urls</c> the host listens on), with a development key when the API is this sandbox and no key is set. So the app's one line of
/// configuration is its <c>Oaiq:PixelId</c>. In any other environment nothing changes: a production site never loads the stub.
/// </summary>
internal sealed class SandboxTrackingDefaults(IHostEnvironment environment, IConfiguration configuration, IOptions<OaiqSandboxOptions> sandbox)
    : IPostConfigureOptions<OaiqTrackingOptions>
{
    /// <summary>The key the local Conversions API expects when the app sets none; it opens nothing but this sandbox.</summary>
    public const string DevelopmentKey = "sandbox-dev-key";

    public void PostConfigure(string? name, OaiqTrackingOptions options)
    {
        if (!environment.IsDevelopment() || name != Options.DefaultName)
        {
            return;
        }

        var prefix = sandbox.Value.PathPrefix.TrimEnd('/');
        if (options.SdkUrl == OaiqTrackingOptions.DefaultSdkUrl)
        {
            options.SdkUrl = prefix + "/sdk.js";
        }

        var api = options.ConversionsApi;
        if (api.BaseAddress == ConversionsApiOptions.DefaultBaseAddress)
        {
            api.BaseAddress = new Uri(AppAddress(configuration), prefix.TrimStart('/') + "/");
        }

        // A key for the local API only: one the app configured goes to this loopback sandbox, never elsewhere.
        if (string.IsNullOrWhiteSpace(api.ApiKey) && api.BaseAddress.IsLoopback
            && api.BaseAddress.AbsolutePath.TrimEnd('/').Equals(prefix, StringComparison.OrdinalIgnoreCase))
        {
            api.ApiKey = DevelopmentKey;
        }
    }

    /// <summary>
    /// The app's own address as a client on this machine reaches it: the first http address of <c>urls</c> (what
    /// <c>dotnet run</c> sets from the launch profile), else of <c>http_ports</c>, else Kestrel's default
    /// <c>http://localhost:5000</c>; a wildcard host becomes <c>localhost</c>.
    /// </summary>
    internal static Uri AppAddress(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var url = urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? urls.FirstOrDefault();
        if (url is null && configuration["http_ports"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } port)
        {
            url = "http://localhost:" + port;
        }

        url ??= "http://localhost:5000";
        foreach (var wildcard in (string[])["://*", "://+", "://0.0.0.0", "://[::]"])
        {
            url = url.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var address) ? new Uri(address.GetLeftPart(UriPartial.Authority) + "/") : new Uri("http://localhost:5000/");
    }
}
