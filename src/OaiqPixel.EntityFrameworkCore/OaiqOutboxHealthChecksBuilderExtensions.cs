using Microsoft.Extensions.Diagnostics.HealthChecks;
using OaiqPixel.EntityFrameworkCore.Dispatching;

// Extension methods live in the DI namespace so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the OaiqPixel outbox dispatcher to ASP.NET Core health checks.</summary>
public static class OaiqOutboxHealthChecksBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "oaiq_outbox";

    /// <summary>
    /// Adds a health check of the outbox dispatcher: <see cref="HealthStatus.Healthy"/> while it reaches the database
    /// and the API takes what it sends (or when it does not deliver on this instance), <paramref name="failureStatus"/>
    /// while the database is unreachable or the API keeps failing — committed records are safe meanwhile, and the
    /// description says what fails and since when. It does not query the database. Needs
    /// <c>AddEntityFrameworkOutbox&lt;TContext&gt;()</c>.
    /// </summary>
    /// <param name="builder">The health checks builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name. The default is <c>oaiq_outbox</c>.</param>
    /// <param name="failureStatus">The status reported on a problem. The default is <see cref="HealthStatus.Degraded"/>.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>ready</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddOaiqOutbox(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp => ActivatorUtilities.CreateInstance<OutboxHealthCheck>(sp),
            failureStatus ?? HealthStatus.Degraded,
            tags));
    }
}
