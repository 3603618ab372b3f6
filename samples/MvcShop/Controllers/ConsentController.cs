using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using MvcShop.Consent;

namespace MvcShop.Controllers;

/// <summary>The consent banner's buttons. Accept: ASP.NET Core's consent cookie. Decline: a remembered choice.</summary>
[Route("consent")]
public class ConsentController : Controller
{
    [HttpPost("accept")]
    public IActionResult Accept(string? returnUrl)
    {
        HttpContext.Features.Get<ITrackingConsentFeature>()?.GrantConsent();
        Response.Cookies.Delete(ShopConsentResolver.DeclinedCookieName);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }

    [HttpPost("decline")]
    public IActionResult Decline(string? returnUrl)
    {
        // Withdrawing deletes the consent cookie; the tracking middleware deletes __oppref on the next request.
        HttpContext.Features.Get<ITrackingConsentFeature>()?.WithdrawConsent();
        Response.Cookies.Append(ShopConsentResolver.DeclinedCookieName, ShopConsentResolver.DeclinedValue, new CookieOptions
        {
            IsEssential = true,
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
        });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
