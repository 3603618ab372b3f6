using OaiqPixel.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Endpoint conventions for OpenAI Ads tracking.</summary>
public static class OaiqTrackingEndpointConventionBuilderExtensions
{
    private static readonly DisableOaiqTrackingAttribute s_disable = new();

    /// <summary>Opts the endpoints out of tracking: no cookie, no pixel, nothing recorded (like <see cref="DisableOaiqTrackingAttribute"/>).</summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static TBuilder DisableOaiqTracking<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpoint => endpoint.Metadata.Add(s_disable));
        return builder;
    }
}
