using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// Says once, when the host starts, what keeps tracking from working as the app expects, naming the fix: no
/// <c>PixelId</c>, so tracking is off (log 70); Unicode NFC unavailable for hashing user data in a
/// globalization-invariant app (log 71). Neither stops the host: a tracking library must not take a site down.
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

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
