using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Verification;

// Extension methods live in the DI namespace so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the production verification to OpenAI Ads tracking: <c>AddOaiqTracking(…).AddVerification()</c>.</summary>
public static class OaiqVerificationTrackingBuilderExtensions
{
    /// <summary>
    /// Proves, in production, that both legs reach OpenAI: every <see cref="OaiqVerificationOptions.Interval"/> a background
    /// check reads each pixel's events stream with the Ads API key (spec §4.10, <c>Oaiq:Verification:AdsApiKey</c>, a
    /// different key from the Conversions API key) and compares it with what this app rendered and delivered in the same
    /// window, per event type and leg. It reports through <see cref="IOaiqVerification"/>, the <c>oaiq.verification.*</c>
    /// metrics, a health check (<c>AddHealthChecks().AddOaiqVerification()</c>) and one log line per change (logs
    /// 300–309). Options are bound from <c>Verification</c> under the tracking section (<c>Oaiq:Verification</c>).
    /// </summary>
    /// <param name="builder">The tracking builder from <c>AddOaiqTracking</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// It proves receipt, not attribution. Without it nothing of it is registered, and rendering and delivery pay one
    /// <see langword="null"/> check. Idempotent.
    /// </remarks>
    public static IOaiqTrackingBuilder AddVerification(this IOaiqTrackingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(LegLedger)))
        {
            return builder;
        }

        var options = services.AddOptions<OaiqVerificationOptions>().ValidateOnStart();
        var marker = services.FirstOrDefault(static d => d.ServiceType == typeof(OaiqTrackingMarker))?.ImplementationInstance as OaiqTrackingMarker;
        if (services.Any(static d => d.ServiceType == typeof(IConfiguration)) && (marker?.LastBoundSection ?? (marker?.BindsDefaultSection != false ? OaiqTrackingOptions.SectionName : null)) is { } section)
        {
            // Under the section tracking is bound from: Oaiq:Verification by default.
            options.BindConfiguration(section.Length == 0 ? OaiqVerificationOptions.SectionName : section + ":" + OaiqVerificationOptions.SectionName);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OaiqVerificationOptions>, OaiqVerificationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<PixelMetricTags>();
        services.TryAddSingleton<LegLedger>();
        services.TryAddSingleton<EventStreamClient>();
        services.TryAddSingleton<VerificationInstrumentation>();
        services.TryAddSingleton<VerificationChecker>();
        services.TryAddSingleton<IOaiqVerification>(static sp => sp.GetRequiredService<VerificationChecker>());
        services.AddHostedService(static sp => sp.GetRequiredService<VerificationChecker>());
        services.AddHttpClient(OaiqVerificationOptions.HttpClientName, static client =>
            {
                client.Timeout = TimeSpan.FromSeconds(30);
                client.DefaultRequestHeaders.UserAgent.ParseAdd(ConversionsApiServiceCollectionExtensions.UserAgent);
            })
            // As for the Conversions API client: the factory's header log would hold the bearer key.
            .RemoveAllLoggers();
        return builder;
    }

    /// <summary>Adds the verification as <see cref="AddVerification(IOaiqTrackingBuilder)"/> does, then adjusts its options in code.</summary>
    /// <param name="builder">The tracking builder from <c>AddOaiqTracking</c>.</param>
    /// <param name="configure">Adjusts the options after binding, e.g. <c>v =&gt; v.AdsApiKey = secrets.AdsApiKey</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IOaiqTrackingBuilder AddVerification(this IOaiqTrackingBuilder builder, Action<OaiqVerificationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddVerification();
        builder.Services.Configure(configure);
        return builder;
    }
}
