using OaiqPixel.AspNetCore;

namespace OaiqPixel.AotSmoke;

/// <summary>A cookie banner's answer: <c>consent=yes</c> grants, <c>consent=no</c> denies, no cookie means not asked.</summary>
internal sealed class BannerConsentResolver : IOaiqConsentResolver
{
    public OaiqConsent Resolve(HttpContext httpContext) => httpContext.Request.Cookies["consent"] switch
    {
        "yes" => OaiqConsent.Granted,
        "no" => OaiqConsent.Denied,
        _ => OaiqConsent.NotRequired,
    };
}
