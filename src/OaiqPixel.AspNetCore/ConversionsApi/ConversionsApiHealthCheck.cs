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
internal sealed class ConversionsApiHealthCheck(ConversionEventQueue queue, ConversionEventPipeline pipeline, IServiceProvider services) : IHealthCheck
{
    /// <summary>The share of the queue's capacity past which the check reports a backlog.</summary>
    public const double QueueThreshold = 0.8;

    /// <summary>The most failing pixels the description names (the data holds them all, by metric attribute).</summary>
    public const int MaxNamedPixels = 5;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (pipeline.LacksPixelId)
        {
            // A readiness probe that fails on Unhealthy must not take the site out of rotation for a missing tracking secret.
            var status = context.Registration.FailureStatus == HealthStatus.Unhealthy ? HealthStatus.Degraded : context.Registration.FailureStatus;
            var keys = OaiqOptionKeys.Resolve(services);
            return Task.FromResult(new HealthCheckResult(
                status,
                $"OpenAI Ads tracking is off: no {keys.Key("PixelId")} is set, so no pixel renders and no event is sent. Set it to the Pixel ID from Ads Manager ({keys.WhereToSet("PixelId")})."));
        }

        if (!pipeline.IsEnabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"The Conversions API server leg is off ({pipeline.OffReason})."));
        }

        // Per pixel: each has its own lane, so one failing pixel is named while the others report as delivering.
        var lanes = queue.Lanes.OrderBy(static l => l.PixelId, StringComparer.Ordinal)
            .Select(static l => (Lane: l, State: l.State, Queued: l.Backlog.Count, Retained: l.Retained))
            .ToList();
        var queued = lanes.Sum(static l => l.Queued);
        var failing = lanes.Where(static l => l.State.ConsecutiveFailures > 0).ToList();
        var backedUp = lanes.Count(static l => l.Queued >= l.Lane.Capacity * QueueThreshold);
        var lastSuccess = lanes.Max(static l => l.State.LastSuccess);
        var data = new Dictionary<string, object>();
        foreach (var tag in lanes.GroupBy(static l => l.Lane.MetricTag))
        {
            // Keyed by the bounded metric attribute, so thousands of tenants make one "other" entry.
            data["pixel." + tag.Key + ".queue_length"] = tag.Sum(static l => l.Queued);
            data["pixel." + tag.Key + ".consecutive_failures"] = tag.Max(static l => l.State.ConsecutiveFailures);
        }

        data["queue_length"] = queued;
        data["queue_capacity"] = queue.Capacity;
        data["retained"] = lanes.Sum(static l => l.Retained);
        data["consecutive_failures"] = lanes.Select(static l => l.State.ConsecutiveFailures).DefaultIfEmpty().Max();
        data["failing_pixels"] = failing.Count;
        if (lastSuccess is { } last)
        {
            data["last_success"] = last;
        }

        var problems = failing.Take(MaxNamedPixels).Select(static l => string.Create(CultureInfo.InvariantCulture,
            $"pixel {l.Lane.PixelId}: the last {l.State.ConsecutiveFailures} send attempt(s) failed ({l.State.LastFailure}) since {l.State.FailingSince:O}; {l.Retained} event(s) are held for a retry")).ToList();

        if (failing.Count > MaxNamedPixels)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{failing.Count - MaxNamedPixels} more pixel(s) failing"));
        }

        if (backedUp > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the queue of {backedUp} pixel(s) is backing up ({queued} events queued, up to {queue.Capacity} per pixel)"));
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
