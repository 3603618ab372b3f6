using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OaiqPixel.AspNetCore.Configuration;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Reports the Conversions API sender: healthy while sending works (or the server leg is off), the registration's
/// failure status (degraded by default) when the last sends failed or the queue is over <see cref="QueueThreshold"/> of
/// its capacity. Without a <c>PixelId</c> all of tracking is off, which it reports as degraded (or the registration's
/// failure status if that is healthy), never unhealthy: the site works, only tracking does not. The description never
/// contains the key.
/// </summary>
internal sealed class ConversionsApiHealthCheck : IHealthCheck
{
    /// <summary>The share of the queue's capacity past which the check reports a backlog.</summary>
    public const double QueueThreshold = 0.8;

    private readonly ConversionEventQueue _queue;
    private readonly ConversionsApiStatus _status;
    private readonly IServiceProvider _services;

    public ConversionsApiHealthCheck(ConversionEventQueue queue, ConversionsApiStatus status, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(services);
        _queue = queue;
        _status = status;
        _services = services;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_queue.LacksPixelId)
        {
            // A readiness probe that fails on Unhealthy must not take the site out of rotation for a missing tracking secret.
            var status = context.Registration.FailureStatus == HealthStatus.Unhealthy ? HealthStatus.Degraded : context.Registration.FailureStatus;
            var keys = OaiqOptionKeys.Resolve(_services);
            return Task.FromResult(new HealthCheckResult(
                status,
                $"OpenAI Ads tracking is off: no {keys.Key("PixelId")} is set, so no pixel renders and no event is sent. Set it to the Pixel ID from Ads Manager ({keys.WhereToSet("PixelId")})."));
        }

        if (!_queue.IsEnabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"The Conversions API server leg is off ({_queue.OffReason})."));
        }

        var snapshot = _status.Read();
        var queued = _queue.Count;
        var retained = _status.Retained;
        var data = new Dictionary<string, object>
        {
            ["queue_length"] = queued,
            ["queue_capacity"] = _queue.Capacity,
            ["retained"] = retained,
            ["consecutive_failures"] = snapshot.ConsecutiveFailures,
        };
        if (snapshot.LastSuccess is { } lastSuccess)
        {
            data["last_success"] = lastSuccess;
        }

        var problems = new List<string>();
        if (snapshot.ConsecutiveFailures > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the last {snapshot.ConsecutiveFailures} send attempt(s) failed ({snapshot.LastFailure}) since {snapshot.FailingSince:O}; {retained} event(s) are held for a retry"));
        }

        if (queued >= _queue.Capacity * QueueThreshold)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the queue is backing up ({queued} of {_queue.Capacity} events)"));
        }

        if (problems.Count > 0)
        {
            var description = "Conversions API sender: " + string.Join("; ", problems) + ".";
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, description, data: data));
        }

        var healthy = snapshot.LastSuccess is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"Conversions API sender is delivering; last success {at:O}, {queued} event(s) queued.")
            : string.Create(CultureInfo.InvariantCulture, $"Conversions API sender is running; nothing sent yet, {queued} event(s) queued.");
        return Task.FromResult(HealthCheckResult.Healthy(healthy, data));
    }
}
