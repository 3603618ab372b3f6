extern alias BlazorShopApp;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.BrowserTests;

/// <summary>
/// BlazorShop asking for consent as the README's Consent section describes (ConsentMode UseTrackingConsentFeature,
/// <c>UseCookiePolicy</c> with <c>CheckConsentNeeded</c>): a visitor consents with ASP.NET Core's consent cookie and
/// withdraws by losing it. The sample has no banner, so a test sets or deletes the cookie in the browser.
/// </summary>
public sealed class ConsentBlazorShopFixture() : SampleBrowserFixture<BlazorShopApp::BlazorShop.Components.App>(("Oaiq:ConsentMode", "UseTrackingConsentFeature"))
{
    /// <summary>ASP.NET Core's consent cookie (<c>CookiePolicyOptions.ConsentCookie</c>'s default name; its value is <c>yes</c>).</summary>
    public const string ConsentCookie = ".AspNet.Consent";

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.Configure<CookiePolicyOptions>(options => options.CheckConsentNeeded = _ => true);
        services.AddSingleton<IStartupFilter, CookiePolicyFirst>();
    }

    // Before the sample's own middleware, so UseOaiqTracking sees the request's consent.
    private sealed class CookiePolicyFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseCookiePolicy();
            next(app);
        };
    }
}
