using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>Implements <see cref="OaiqTrackingOptions.ConsentMode"/>.</summary>
internal sealed class DefaultConsentResolver(IOptions<OaiqTrackingOptions> options) : IOaiqConsentResolver
{
    private readonly OaiqConsentMode _mode = options.Value.ConsentMode;

    public OaiqConsent Resolve(HttpContext httpContext)
    {
        if (_mode == OaiqConsentMode.AlwaysGranted)
        {
            return OaiqConsent.Granted;
        }

        var feature = httpContext.Features.Get<ITrackingConsentFeature>();
        if (feature is null || !feature.IsConsentNeeded)
        {
            return OaiqConsent.NotRequired;
        }

        return feature.HasConsent ? OaiqConsent.Granted : OaiqConsent.Denied;
    }
}
