using Microsoft.Extensions.Diagnostics.HealthChecks;
using OaiqPixel.AspNetCore.Verification;

// Extension methods live in the DI namespace so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the production verification (<c>AddOaiqTracking(…).AddVerification()</c>) to ASP.NET Core health checks.</summary>
public static class OaiqVerificationHealthChecksBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "oaiq_verification";

    /// <summary>
    /// Adds a health check of the latest verification: <paramref name="failureStatus"/> naming each pixel whose pixel or
    /// server leg stopped arriving at OpenAI (log 300), whose events stream refused the Ads API key (log 303) or is not
    /// enabled (log 302), or when the key is not set; <see cref="HealthStatus.Healthy"/> otherwise. Its data holds, per
    /// pixel, <c>pixel.{id}.check</c> and <c>pixel.{id}.stopped_legs</c>. The description never holds the key.
    /// </summary>
    /// <param name="builder">The health checks builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name. The default is <c>oaiq_verification</c>.</param>
    /// <param name="failureStatus">The status reported on a problem. The default is <see cref="HealthStatus.Degraded"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">When the check runs, if verification is not registered (<c>AddVerification()</c>).</exception>
    public static IHealthChecksBuilder AddOaiqVerification(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp => new VerificationHealthCheck(sp.GetService<VerificationChecker>()
                ?? throw new InvalidOperationException("AddOaiqVerification() reports the production verification: register it with AddOaiqTracking(…).AddVerification().")),
            failureStatus ?? HealthStatus.Degraded,
            tags));
    }
}
