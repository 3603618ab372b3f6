using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Tracking;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the tracking middleware to the pipeline.</summary>
public static class OaiqTrackingApplicationBuilderExtensions
{
    /// <summary>
    /// Captures the landing <c>oppref</c> into a first-party <c>__oppref</c> cookie, honours consent and carries events
    /// across redirects. Place it after <c>UseRouting</c> (for <c>[DisableOaiqTracking]</c>), <c>UseForwardedHeaders</c>
    /// and <c>UseCookiePolicy</c>, and before the endpoints.
    /// </summary>
    /// <remarks>
    /// Without it (or placed where page requests do not pass, such as after <c>UseEndpoints</c> or in a branch) the pixel
    /// still renders but <c>oppref</c> is lost after the landing page; <c>&lt;oaiq-pixel /&gt;</c> and
    /// <see cref="OaiqPixel.IConversionTracker"/> notice and log a warning once (event id 41, <c>MiddlewareMissing</c>).
    /// </remarks>
    /// <param name="app">The application.</param>
    /// <returns>The application, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>services.AddOaiqTracking(…)</c> was not called.</exception>
    public static IApplicationBuilder UseOaiqTracking(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<OaiqTrackingMarker>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the OaiqPixel services. Call 'builder.Services.AddOaiqTracking(...)' (for example " +
                "AddOaiqTracking(builder.Configuration.GetSection(\"Oaiq\"))) before calling 'app.UseOaiqTracking()'.");
        }

        return app.UseMiddleware<OaiqTrackingMiddleware>();
    }
}
