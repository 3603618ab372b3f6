using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Reports the outbox dispatcher from what its rounds saw, without querying the database (so it answers while the
/// database is down): healthy while rounds reach the database and the API takes what is sent, the registration's
/// failure status (degraded by default) while either fails — committed records are kept meanwhile, and the description
/// says so.
/// </summary>
internal sealed class OutboxHealthCheck(OutboxStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var snapshot = status.Read(0);
        var data = new Dictionary<string, object>
        {
            ["delivered"] = snapshot.Delivered,
            ["database_failures"] = snapshot.Database.Count,
            ["api_failures"] = snapshot.Api.Count,
        };
        if (snapshot.Pending is { } pending)
        {
            data["pending"] = pending;
        }

        if (snapshot.DeadLetters is { } deadLetters)
        {
            data["dead_letters"] = deadLetters;
        }

        if (snapshot.IdleReason is { } idle)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"The outbox does not deliver on this instance: {idle}.", data));
        }

        var problems = new List<string>();
        if (snapshot.Database is { Count: > 0 } database)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the database has been unreachable since {database.Since:O} ({database.Count} failed round(s): {database.Error}); committed records are safe in the table and are sent once it is back"));
        }

        if (snapshot.Api is { Count: > 0 } api)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the Conversions API has been failing since {api.Since:O} ({api.Count} round(s): {api.Error}); the records are kept in the table and retried"));
        }

        if (problems.Count > 0)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "Outbox: " + string.Join("; ", problems) + ".", data: data));
        }

        var description = snapshot.LastRound is { } last
            ? string.Create(CultureInfo.InvariantCulture, $"Outbox is delivering; last round {last:O}, {snapshot.Delivered} record(s) delivered since start{(snapshot.Pending is { } p ? $", {p} pending at the last count" : string.Empty)}.")
            : "Outbox dispatcher is starting.";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
