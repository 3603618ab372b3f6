using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OaiqPixel.AspNetCore.Configuration;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Reports the Conversions API sender, pixel by pixel: healthy while sending works for every pixel (or the server leg is
/// off), the registration's failure status (degraded by default) naming each pixel whose last sends failed or whose queue
/// is over <see cref="QueueThreshold"/> of its capacity. Without a <c>PixelId</c> all of tracking is off, which it reports as degraded (or the registration's
/// failure status if that is healthy), never unhealthy: the site works, only tracking does not. The description never
/// contains the key.
/// </summary>
internal sealed class ConversionsApiHealthCheck : IHealthCheck
{
    /// <summary>The share of the queue's capacity past which the check reports a backlog.</summary>
    public const double QueueThreshold = 0.8;

    private readonly ConversionEventQueue _queue;
    private readonly ConversionEventPipeline _pipeline;
    private readonly IServiceProvider _services;

    /// <summary>The most failing pixels the description names (the data holds them all, by metric attribute).</summary>
    public const int MaxNamedPixels = 5;

    public ConversionsApiHealthCheck(ConversionEventQueue queue, ConversionEventPipeline pipeline, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(services);
        _queue = queue;
        _pipeline = pipeline;
        _services = services;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_pipeline.LacksPixelId)
        {
            // A readiness probe that fails on Unhealthy must not take the site out of rotation for a missing tracking secret.
            var status = context.Registration.FailureStatus == HealthStatus.Unhealthy ? HealthStatus.Degraded : context.Registration.FailureStatus;
            var keys = OaiqOptionKeys.Resolve(_services);
            return Task.FromResult(new HealthCheckResult(
                status,
                $"OpenAI Ads tracking is off: no {keys.Key("PixelId")} is set, so no pixel renders and no event is sent. Set it to the Pixel ID from Ads Manager ({keys.WhereToSet("PixelId")})."));
        }

        if (!_pipeline.IsEnabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"The Conversions API server leg is off ({_pipeline.OffReason})."));
        }

        // Per pixel: each has its own lane, so one failing pixel is named while the others report as delivering.
        var queued = 0;
        var retained = 0;
        var consecutiveFailures = 0;
        var backedUp = 0;
        DateTimeOffset? lastSuccess = null;
        var failing = new List<(string PixelId, ConversionsApiStatus.Snapshot Snapshot, int Retained)>();
        var data = new Dictionary<string, object>();
        foreach (var lane in _queue.Lanes.OrderBy(static l => l.PixelId, StringComparer.Ordinal))
        {
            var laneSnapshot = lane.Status.Read();
            var laneQueued = lane.Backlog.Count;
            var laneRetained = lane.Status.Retained;
            queued += laneQueued;
            retained += laneRetained;
            consecutiveFailures = Math.Max(consecutiveFailures, laneSnapshot.ConsecutiveFailures);
            if (laneSnapshot.LastSuccess is { } laneSuccess && (lastSuccess is null || laneSuccess > lastSuccess))
            {
                lastSuccess = laneSuccess;
            }

            if (laneSnapshot.ConsecutiveFailures > 0)
            {
                failing.Add((lane.PixelId, laneSnapshot, laneRetained));
            }

            if (laneQueued >= lane.Capacity * QueueThreshold)
            {
                backedUp++;
            }

            // Keyed by the bounded metric attribute, so thousands of tenants make one "other" entry.
            var prefix = "pixel." + lane.MetricTag + ".";
            data[prefix + "queue_length"] = (int)(data.GetValueOrDefault(prefix + "queue_length") ?? 0) + laneQueued;
            data[prefix + "consecutive_failures"] = Math.Max((int)(data.GetValueOrDefault(prefix + "consecutive_failures") ?? 0), laneSnapshot.ConsecutiveFailures);
        }

        data["queue_length"] = queued;
        data["queue_capacity"] = _queue.Capacity;
        data["retained"] = retained;
        data["consecutive_failures"] = consecutiveFailures;
        data["failing_pixels"] = failing.Count;
        if (lastSuccess is { } last)
        {
            data["last_success"] = last;
        }

        var problems = new List<string>();
        foreach (var (pixelId, failure, held) in failing.Take(MaxNamedPixels))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"pixel {pixelId}: the last {failure.ConsecutiveFailures} send attempt(s) failed ({failure.LastFailure}) since {failure.FailingSince:O}; {held} event(s) are held for a retry"));
        }

        if (failing.Count > MaxNamedPixels)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{failing.Count - MaxNamedPixels} more pixel(s) failing"));
        }

        if (backedUp > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the queue of {backedUp} pixel(s) is backing up ({queued} events queued, up to {_queue.Capacity} per pixel)"));
        }

        if (problems.Count > 0)
        {
            var description = "Conversions API sender: " + string.Join("; ", problems) + ".";
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, description, data: data));
        }

        var healthy = lastSuccess is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"Conversions API sender is delivering; last success {at:O}, {queued} event(s) queued.")
            : string.Create(CultureInfo.InvariantCulture, $"Conversions API sender is running; nothing sent yet, {queued} event(s) queued.");
        return Task.FromResult(HealthCheckResult.Healthy(healthy, data));
    }
}
