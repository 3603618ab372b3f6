using Microsoft.AspNetCore.Http.Features;
using OaiqPixel.AspNetCore;

namespace MvcShop.Consent;

/// <summary>
/// Measurement consent for OpenAI Ads from ASP.NET Core's cookie policy, plus the shop's remembered "decline": a
/// visitor who declined is <see cref="OaiqConsent.Denied"/> (no pixel, no <c>__oppref</c>, no server event) until they
/// accept. With <c>Shop:RequireConsent</c> false the cookie policy needs no consent and tracking runs.
/// </summary>
public sealed class ShopConsentResolver : IOaiqConsentResolver
{
    public const string DeclinedCookieName = "shop_consent";
    public const string DeclinedValue = "declined";

    public OaiqConsent Resolve(HttpContext httpContext)
    {
        var feature = httpContext.Features.Get<ITrackingConsentFeature>();
        if (feature is null || !feature.IsConsentNeeded)
        {
            return OaiqConsent.NotRequired;
        }

        if (HasDeclined(httpContext))
        {
            return OaiqConsent.Denied;
        }

        return feature.HasConsent ? OaiqConsent.Granted : OaiqConsent.Denied;
    }

    public static bool HasDeclined(HttpContext httpContext) =>
        httpContext.Request.Cookies[DeclinedCookieName] == DeclinedValue;
}
