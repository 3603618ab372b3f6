using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.Sandbox;

// Extension methods live in the DI namespace so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OaiqPixel development page (<c>OaiqPixel.Sandbox</c>).</summary>
public static class OaiqSandboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the development page's services: what it saw (<see cref="OaiqSandbox"/>), a reader of the library's logs that
    /// tells at once why an event's server leg will not come, and, in Development only, defaults that point both legs at
    /// the sandbox (the stub SDK for <c>Oaiq:SdkUrl</c>, this app's own address for
    /// <c>Oaiq:ConversionsApi:BaseAddress</c>, a development key) unless the app configured them. Map the page with
    /// <c>app.MapOaiqSandbox()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts <see cref="OaiqSandboxOptions"/> (e.g. the page's path), or <see langword="null"/>.</param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Idempotent. Nothing here reaches OpenAI, and no key is ever shown on the page. Outside Development it changes no
    /// tracking option: a production site keeps the official SDK and API even if this is called there.
    /// </remarks>
    public static IServiceCollection AddOaiqSandbox(this IServiceCollection services, Action<OaiqSandboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(OaiqSandbox)))
        {
            return services;
        }

        services.AddOptions<OaiqSandboxOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<OaiqSandbox>();
        services.AddAntiforgery();
        services.AddHostedService<SandboxDrainOnStop>();
        services.AddSingleton<SandboxServerAddresses>();
        services.AddHostedService(static sp => sp.GetRequiredService<SandboxServerAddresses>());
        services.AddSingleton<IOptionsChangeTokenSource<OaiqTrackingOptions>>(static sp => sp.GetRequiredService<SandboxServerAddresses>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OaiqTrackingOptions>, SandboxTrackingDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, SandboxLogReader>());

        // The library's Debug lines reach the reader whatever the app's own levels (a rule for this provider alone).
        services.Configure<LoggerFilterOptions>(static options => options.AddFilter<SandboxLogReader>(SandboxLogReader.CategoryPrefix, LogLevel.Debug));
        return services;
    }
}
