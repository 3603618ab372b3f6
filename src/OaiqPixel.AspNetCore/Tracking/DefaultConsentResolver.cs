using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>Implements <see cref="OaiqTrackingOptions.ConsentMode"/>.</summary>
internal sealed class DefaultConsentResolver(IOptions<OaiqTrackingOptions> options) : IOaiqConsentResolver
{
    private readonly OaiqConsentMode _mode = options.Value.ConsentMode;

    public OaiqConsent Resolve(HttpContext httpContext) => _mode == OaiqConsentMode.AlwaysGranted
        ? OaiqConsent.Granted
        : httpContext.Features.Get<ITrackingConsentFeature>() switch
        {
            null or { IsConsentNeeded: false } => OaiqConsent.NotRequired,
            { HasConsent: true } => OaiqConsent.Granted,
            _ => OaiqConsent.Denied,
        };
}
