using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// Builds a request's <see cref="OaiqTrackingContext"/> once, whoever asks first (the middleware, the tracker, the pixel):
/// it decides whether tracking runs for the request (its pixels, <see cref="RequestPixels"/>), resolves consent and reads
/// the request (<see cref="LandingRequest"/>). It only builds: the cookies' steps belong to the middleware
/// (<see cref="OaiqTrackingMiddleware"/>), and a context built elsewhere is only checked (<see cref="MiddlewareCheck"/>).
/// </summary>
/// <remarks>Reads <see cref="IOptions{TOptions}"/>: whether tracking is on is fixed for the process's life.</remarks>
internal sealed class TrackingContextFactory(
    IOptions<OaiqTrackingOptions> options,
    IOaiqConsentResolver consentResolver,
    MiddlewareCheck middlewareCheck,
    RequestPixels pixels,
    ILogger<TrackingContextFactory> logger,
    IOaiqBrowserLegGate? gate = null)
{
    private readonly OaiqTrackingOptions _options = options.Value;
    private readonly OaiqServerViewOptions _serverViews = options.Value.ServerViews ?? new OaiqServerViewOptions();

    /// <summary>Enabled and configured.</summary>
    public bool IsActive { get; } = options.Value.IsActive;

    /// <summary>Returns the request's context, building it on first use; <see langword="null"/> when tracking is off for the request.</summary>
    /// <param name="httpContext">The request.</param>
    /// <param name="fromMiddleware">Whether the caller is the middleware; any other caller building the context checks that the middleware ran.</param>
    public OaiqTrackingContext? GetOrCreate(HttpContext httpContext, bool fromMiddleware = false)
    {
        if (httpContext.Features.Get<IOaiqTrackingFeature>() is { } existing)
        {
            if (fromMiddleware && existing is OaiqTrackingContext seen)
            {
                seen.SeenByMiddleware = true;
            }

            return existing as OaiqTrackingContext;
        }

        if (!IsActive || httpContext.GetEndpoint()?.Metadata.GetMetadata<DisableOaiqTrackingAttribute>() is not null)
        {
            return null;
        }

        // No pixel for this request (a tenant without one): tracking is off for it, as for an endpoint that opted out.
        var pixelIds = pixels.Resolve(httpContext);
        if (pixelIds.Count == 0)
        {
            // Remembered, so the resolver is asked once per request.
            httpContext.Features.Set<IOaiqTrackingFeature>(InactiveTrackingFeature.Instance);
            return null;
        }

        var consent = ResolveConsent(httpContext);
        var context = new OaiqTrackingContext(httpContext, consent, LandingRequest.Read(httpContext.Request, consent, logger), _options.NonceProvider, _serverViews, gate)
        {
            PixelIds = pixelIds,
            SeenByMiddleware = fromMiddleware,
        };
        httpContext.Features.Set<IOaiqTrackingFeature>(context);
        if (!fromMiddleware)
        {
            middlewareCheck.CheckContextBuiltElsewhere(context);
        }

        return context;
    }

    private OaiqConsent ResolveConsent(HttpContext httpContext)
    {
        try
        {
            return consentResolver.Resolve(httpContext);
        }
        catch (Exception ex)
        {
            // Fail closed: without a decision nothing may be stored or sent.
            Log.ConsentResolverFailed(logger, ex);
            return OaiqConsent.Denied;
        }
    }
}
