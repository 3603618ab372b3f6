using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Follow-on registrations of OpenAI Ads tracking, chained on <see cref="IOaiqTrackingBuilder"/>.</summary>
public static class OaiqTrackingBuilderExtensions
{
    /// <summary>
    /// Takes the visitor's measurement consent from <typeparamref name="TResolver"/> (for example a consent manager's
    /// cookie) instead of <see cref="OaiqTrackingOptions.ConsentMode"/>: one source of truth for both legs (spec §6).
    /// </summary>
    /// <typeparam name="TResolver">
    /// The resolver; a singleton, called once per request. It must be fast and must not throw (a throw counts as no consent).
    /// Its public constructors are kept by the trimmer, as the container needs them (native AOT).
    /// </typeparam>
    /// <param name="builder">The tracking builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IOaiqTrackingBuilder AddConsentResolver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TResolver>(this IOaiqTrackingBuilder builder)
        where TResolver : class, IOaiqConsentResolver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IOaiqConsentResolver, TResolver>());
        return builder;
    }

    /// <summary>
    /// Names each request's pixels with <typeparamref name="TResolver"/> (by host name, route, tenant claim…) instead of
    /// giving every request the configured <see cref="OaiqTrackingOptions.PixelId"/> and <see cref="OaiqTrackingOptions.Pixels"/>;
    /// the server leg finds each pixel's key through it too (spec §1.7, §4.1). With a resolver, tracking runs without a
    /// configured pixel.
    /// </summary>
    /// <typeparam name="TResolver">
    /// The resolver; a singleton. It must be fast and must not throw (a throw turns tracking off for that request, log 80).
    /// Its public constructors are kept by the trimmer, as the container needs them (native AOT).
    /// </typeparam>
    /// <param name="builder">The tracking builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IOaiqTrackingBuilder AddPixelResolver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TResolver>(this IOaiqTrackingBuilder builder)
        where TResolver : class, IOaiqPixelResolver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IOaiqPixelResolver, TResolver>());
        builder.Services.Configure<OaiqTrackingOptions>(static options => options.HasPixelResolver = true);
        return builder;
    }

    /// <summary>Adjusts the server leg's settings in code, after configuration binding (<see cref="OaiqTrackingOptions.ConversionsApi"/>).</summary>
    /// <param name="builder">The tracking builder.</param>
    /// <param name="configure">Changes the settings, e.g. <c>api =&gt; api.OnDeadLetter = Store</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IOaiqTrackingBuilder ConfigureConversionsApi(this IOaiqTrackingBuilder builder, Action<ConversionsApiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<OaiqTrackingOptions>(options => configure(options.ConversionsApi));
        return builder;
    }
}
