using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Stands in for <see cref="ConversionsApiSender"/> while the server leg is off (no key, tracking disabled, or the app
/// built without it): says once at start-up why (log 100, under the sender's category) and starts nothing.
/// </summary>
internal sealed class ServerLegOffNotice(ConversionEventPipeline pipeline, ILogger<ConversionsApiSender> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Without a pixel id all of tracking is off, and the start-up check's warning (log 70) says so and how to fix it.
        if (!pipeline.LacksPixelId && pipeline.OffReason is { } reason)
        {
            ConversionsApiLog.ServerLegOff(logger, reason);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
