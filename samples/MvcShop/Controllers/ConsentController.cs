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
        // Withdrawing deletes the consent cookie. On the page this redirects to, OaiqPixel sees the withdrawal: it deletes
        // __oppref and the SDK's __obref and renders oaiq("consent", false) so the SDK clears its own state (once).
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
