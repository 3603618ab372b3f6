using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// Says once, when the host starts, what keeps tracking from working as the app expects, naming the fix: no
/// <c>PixelId</c>, so tracking is off (log 70); Unicode NFC unavailable for hashing user data in a
/// globalization-invariant app (log 71); outside Development, a Data Protection key ring that is ephemeral or per container,
/// which loses the browser leg of redirected conversions across instances and restarts (log 72,
/// <see cref="DataProtectionKeyRing"/>). None stops the host: a tracking library must not take a site down.
/// </summary>
internal sealed class TrackingStartupCheck(IOptions<OaiqTrackingOptions> options, IServiceProvider services, ILogger<TrackingStartupCheck> logger) : IHostedService
{
    /// <summary>
    /// Whether this process can put text in Unicode NFC, which <see cref="UserDataNormalizer"/> applies before hashing:
    /// not in globalization-invariant mode, where .NET calls any text normalized (<c>e</c> + U+0301 stays decomposed).
    /// Probed rather than read from the runtime switch, so it holds however the mode was chosen.
    /// </summary>
    private static bool IsUnicodeNormalizationAvailable { get; } = !"e\u0301".IsNormalized(NormalizationForm.FormC);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var current = options.Value;
        if (current.LacksPixelId)
        {
            var keys = OaiqOptionKeys.Resolve(services);
            ConfigurationLog.TrackingUnconfigured(logger, keys.Key("PixelId"), keys.WhereToSet("PixelId"), keys.Key("Enabled"));
        }
        else if (current.IsActive && !IsUnicodeNormalizationAvailable)
        {
            ConfigurationLog.UnicodeNormalizationUnavailable(logger);
        }

        // A developer's own machine keeps its keys in the user profile; Development says nothing about a server farm.
        if (current.IsActive
            && OaiqFeatureSwitches.IsDataProtectionSupported
            && services.GetService<IHostEnvironment>()?.IsDevelopment() != true
            && DataProtectionKeyRing.WhyNotShared(services, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)) is { } where)
        {
            ConfigurationLog.KeyRingNotShared(logger, where);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
