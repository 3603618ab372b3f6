namespace OaiqPixel.AspNetCore;

/// <summary>Where <c>&lt;oaiq-pixel /&gt;</c>, the middleware and the tracker take the visitor's consent from.</summary>
public enum OaiqConsentMode
{
    /// <summary>
    /// ASP.NET Core's <c>ITrackingConsentFeature</c> (<c>app.UseCookiePolicy()</c> with <c>CheckConsentNeeded</c>): when
    /// consent is needed and not given, nothing is tracked; when given, the pixel gets <c>oaiq("consent", true)</c>; when
    /// the app does not check consent, the pixel's own default applies.
    /// </summary>
    UseTrackingConsentFeature,

    /// <summary>Consent is always granted (the app collects it elsewhere or does not need it); the pixel gets <c>oaiq("consent", true)</c>.</summary>
    AlwaysGranted,
}
