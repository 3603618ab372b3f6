using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.Sandbox;

/// <summary>
/// In Development, points both legs at the sandbox unless the app configured them itself: the pixel loads the stub SDK
/// (<c>Oaiq:SdkUrl</c>), and the Conversions API is this app's own loopback address (<c>Oaiq:ConversionsApi:BaseAddress</c>,
/// where the host listens: <see cref="SandboxServerAddresses"/>), with a development key when the API is this sandbox
/// and no key is set. So the app's one line of configuration is its <c>Oaiq:PixelId</c>. In any other environment nothing changes: a production site never loads the stub.
/// </summary>
internal sealed class SandboxTrackingDefaults(IHostEnvironment environment, SandboxServerAddresses addresses, IOptions<OaiqSandboxOptions> sandbox)
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
            api.BaseAddress = new Uri(addresses.AppAddress(), prefix.TrimStart('/') + "/");
        }

        // A key for the local API only: one the app configured goes to this loopback sandbox, never elsewhere.
        if (string.IsNullOrWhiteSpace(api.ApiKey) && api.BaseAddress.IsLoopback
            && api.BaseAddress.AbsolutePath.TrimEnd('/').Equals(prefix, StringComparison.OrdinalIgnoreCase))
        {
            api.ApiKey = DevelopmentKey;
        }
    }
}
