using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.Components;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.Tracking;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers OpenAI Ads tracking: options, the tracking context, <see cref="IConversionTracker"/> and the tag helpers' services.</summary>
public static class OaiqTrackingServiceCollectionExtensions
{
    /// <summary>Adds tracking, bound from the app configuration's <c>Oaiq</c> section.</summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder for follow-on registrations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Idempotent: calling it again registers nothing more. The section is bound from the <see cref="IConfiguration"/>
    /// the host registered (and re-read when it reloads); a service collection without one binds nothing. Invalid options
    /// stop the host at start-up with a message naming the key to fix; a missing <c>PixelId</c> does not: tracking is then
    /// off, with one warning (log 70).
    /// </remarks>
    public static IOaiqTrackingBuilder AddOaiqTracking(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var marker = AddCore(services);
        marker.BindsDefaultSection = true;
        // Every host registers its IConfiguration before the app's services; a bare ServiceCollection (a test) may have
        // none, and then there is nothing to bind. BindConfiguration binds through the source generator (AOT-safe).
        if (services.Any(static d => d.ServiceType == typeof(IConfiguration)) && marker.BoundSections.Add(OaiqTrackingOptions.SectionName))
        {
            services.AddOptions<OaiqTrackingOptions>().BindConfiguration(OaiqTrackingOptions.SectionName);
        }

        return new OaiqTrackingBuilder(services);
    }

    /// <summary>Adds tracking, bound from the app configuration's <c>Oaiq</c> section and then adjusted in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the options after binding; each call's delegate is applied, in order.</param>
    /// <returns>A builder for follow-on registrations.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IOaiqTrackingBuilder AddOaiqTracking(this IServiceCollection services, Action<OaiqTrackingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddOaiqTracking();
        AddCore(services).HasCodeConfiguration = true;
        services.Configure(configure);
        return builder;
    }

    /// <summary>Adds tracking, bound from a configuration section (usually <c>builder.Configuration.GetSection("Oaiq")</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>PixelId</c>, <c>SdkUrl</c>, … and <c>ConversionsApi</c>.</param>
    /// <returns>A builder for follow-on registrations.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>Idempotent: binding the same section path again registers nothing more.</remarks>
    public static IOaiqTrackingBuilder AddOaiqTracking(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var marker = AddCore(services);
        var path = configuration is IConfigurationSection section ? section.Path : string.Empty;
        marker.LastBoundSection = path;
        if (marker.BoundSections.Add(path))
        {
            services.Configure<OaiqTrackingOptions>(configuration);
        }

        return new OaiqTrackingBuilder(services);
    }

    /// <summary>Adds tracking, bound from a configuration section and then adjusted in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>A builder for follow-on registrations.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IOaiqTrackingBuilder AddOaiqTracking(this IServiceCollection services, IConfiguration configuration, Action<OaiqTrackingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddOaiqTracking(configuration);
        AddCore(services).HasCodeConfiguration = true;
        services.Configure(configure);
        return builder;
    }

    private static OaiqTrackingMarker AddCore(IServiceCollection services)
    {
        if (services.FirstOrDefault(static d => d.ServiceType == typeof(OaiqTrackingMarker))?.ImplementationInstance is OaiqTrackingMarker existing)
        {
            return existing;
        }

        var marker = new OaiqTrackingMarker();
        services.AddSingleton(marker);
        services.AddHttpContextAccessor();
        // The carrier's protection, unless the app is built without it (then not linked, unless the framework links it:
        // antiforgery, cookie authentication and Blazor add Data Protection themselves).
        if (OaiqFeatureSwitches.IsDataProtectionSupported)
        {
            services.AddDataProtection();
        }

        services.TryAddSingleton<IOaiqConsentResolver, DefaultConsentResolver>();
        services.TryAddSingleton<RequestPixels>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TrackingStartupCheck>());

        // The browser leg, one owner per step: the request's context, the visitor's cookies, the carrier, the check that
        // the middleware runs, the events' enrichment and recording, and the pixel's rendering.
        services.TryAddSingleton<TrackingContextFactory>();
        services.TryAddSingleton<VisitorCookies>();
        services.TryAddSingleton(static sp => new CarrierCookie(
            OaiqFeatureSwitches.IsDataProtectionSupported ? sp.GetRequiredService<IDataProtectionProvider>() : null,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<OaiqTrackingOptions>>(),
            sp.GetRequiredService<ILogger<CarrierCookie>>()));
        services.TryAddSingleton<MiddlewareCheck>();
        services.TryAddSingleton<RequestEventFactory>();
        services.TryAddSingleton<PixelRenderer>();
        services.TryAddSingleton<EventRecorder>();
        services.TryAddScoped<IConversionTracker, OaiqConversionTracker>();

        // Blazor: the visitor context a page hands to its interactive circuit, the circuit's state and its recorder.
        services.TryAddSingleton<CircuitVisitor>();
        services.TryAddScoped<CircuitTracking>();
        // Built when first asked for, in a circuit: an app without Blazor has no IJSRuntime or NavigationManager, and its
        // container validates type registrations at start-up in Development.
        services.TryAddScoped(static sp => ActivatorUtilities.CreateInstance<CircuitEventRecorder>(sp));
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, OaiqCircuitHandler>());
        services.TryAddScoped<IOaiqTrackingFeature>(static sp =>
            sp.GetRequiredService<IHttpContextAccessor>().HttpContext is { } httpContext
            && sp.GetRequiredService<TrackingContextFactory>().GetOrCreate(httpContext) is { } context
                ? context
                : InactiveTrackingFeature.Instance);
        // Also the options' validation on start, the clock and the pixel resolver, which the server leg needs on its own too.
        services.AddOaiqConversionsApi();
        return marker;
    }
}
