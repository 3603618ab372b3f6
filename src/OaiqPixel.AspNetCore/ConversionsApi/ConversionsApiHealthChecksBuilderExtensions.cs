using Microsoft.Extensions.Diagnostics.HealthChecks;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;

// Extension methods live in the DI namespace so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the OpenAI Ads Conversions API sender to ASP.NET Core health checks.</summary>
public static class ConversionsApiHealthChecksBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "oaiq_conversions_api";

    /// <summary>
    /// Adds a health check of the Conversions API sender: <see cref="HealthStatus.Healthy"/> while sending works (or the
    /// server leg is off), <paramref name="failureStatus"/> when recent sends failed or the queue is over 80% full. Without
    /// a <c>PixelId</c> tracking is off, reported as <see cref="HealthStatus.Degraded"/> (never
    /// <see cref="HealthStatus.Unhealthy"/>, so a readiness probe keeps the site in rotation). The description says why
    /// and never contains the key.
    /// </summary>
    /// <param name="builder">The health checks builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name. The default is <c>oaiq_conversions_api</c>.</param>
    /// <param name="failureStatus">The status reported on a problem. The default is <see cref="HealthStatus.Degraded"/>.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>ready</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The app is built without the Conversions API (<c>&lt;OaiqConversionsApiSupport&gt;false&lt;/OaiqConversionsApiSupport&gt;</c>):
    /// there is no sender to check; the message names the property.
    /// </exception>
    public static IHealthChecksBuilder AddOaiqConversionsApi(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        if (!OaiqFeatureSwitches.IsConversionsApiSupported)
        {
            throw OaiqFeatureSwitches.ConversionsApiNotLinked("The health check AddOaiqConversionsApi()");
        }

        builder.Services.AddOaiqConversionsApi();
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp => ActivatorUtilities.CreateInstance<ConversionsApiHealthCheck>(sp),
            failureStatus ?? HealthStatus.Degraded,
            tags));
    }
}
