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
internal sealed class TrackingStartupCheck : IHostedService
{
    private readonly OaiqTrackingOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    public TrackingStartupCheck(IOptions<OaiqTrackingOptions> options, IServiceProvider services, ILogger<TrackingStartupCheck> logger)
    {
        _options = options.Value;
        _services = services;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.LacksPixelId)
        {
            var keys = OaiqOptionKeys.Resolve(_services);
            ConfigurationLog.TrackingUnconfigured(_logger, keys.Key("PixelId"), keys.WhereToSet("PixelId"), keys.Key("Enabled"));
        }
        else if (_options.IsActive && !UnicodeNormalization.IsAvailable)
        {
            ConfigurationLog.UnicodeNormalizationUnavailable(_logger);
        }

        // A developer's own machine keeps its keys in the user profile; Development says nothing about a server farm.
        if (_options.IsActive
            && _services.GetService<IHostEnvironment>()?.IsDevelopment() != true
            && DataProtectionKeyRing.WhyNotShared(_services, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)) is { } where)
        {
            ConfigurationLog.KeyRingNotShared(_logger, where);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
