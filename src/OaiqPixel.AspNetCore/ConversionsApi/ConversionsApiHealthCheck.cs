using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Reports the Conversions API sender: healthy while sending works (or the server leg is off), the registration's
/// failure status (degraded by default) when the last sends failed or the queue is over <see cref="QueueThreshold"/> of
/// its capacity. The description never contains the key.
/// </summary>
internal sealed class ConversionsApiHealthCheck : IHealthCheck
{
    /// <summary>The share of the queue's capacity past which the check reports a backlog.</summary>
    public const double QueueThreshold = 0.8;

    private readonly ConversionEventQueue _queue;
    private readonly ConversionsApiStatus _status;

    public ConversionsApiHealthCheck(ConversionEventQueue queue, ConversionsApiStatus status)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(status);
        _queue = queue;
        _status = status;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
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
