using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// Reports the latest verification: the registration's failure status (degraded by default) naming each pixel with a
/// stopped leg, a refused key or a stream that is not enabled; healthy otherwise (before the first check, while every
/// compared leg arrives, or while the stream merely could not be read this time). The description never holds the key.
/// </summary>
internal sealed class VerificationHealthCheck(VerificationChecker checker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (checker.LacksKey)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"OpenAI Ads verification is registered, but {checker.KeySetting} is not set: no check runs."));
        }

        var latest = checker.Latest;
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        foreach (var pixel in latest)
        {
            var stopped = pixel.Legs.Count(static l => l.Status == OaiqLegStatus.Stopped);
            data["pixel." + pixel.PixelId + ".check"] = VerificationInstrumentation.CheckName(pixel.Check);
            data["pixel." + pixel.PixelId + ".stopped_legs"] = stopped;
            if (stopped > 0 || pixel.Check is OaiqVerificationCheck.Unauthorized or OaiqVerificationCheck.NotAvailable)
            {
                problems.Add($"pixel {pixel.PixelId}: {pixel.Message}");
            }
        }

        if (problems.Count > 0)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "OpenAI Ads verification: " + string.Join(" ", problems), data: data));
        }

        var description = latest.Count == 0
            ? "OpenAI Ads verification: no check has run yet."
            : "OpenAI Ads verification: " + string.Join(" ", latest.Select(static p => $"pixel {p.PixelId}: {p.Message}"));
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
