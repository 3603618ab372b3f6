using Microsoft.AspNetCore.Http;

namespace OaiqPixel.AspNetCore;

/// <summary>
/// Decides a request's measurement consent. Register your own (e.g. reading a consent manager's cookie) with
/// <c>services.AddOaiqTracking(…).AddConsentResolver&lt;MyResolver&gt;()</c> to replace <see cref="OaiqTrackingOptions.ConsentMode"/>.
/// </summary>
/// <remarks>Called at most once per request, before anything is written or recorded. It must be fast and must not throw.</remarks>
public interface IOaiqConsentResolver
{
    /// <summary>Returns the request's consent.</summary>
    /// <param name="httpContext">The request.</param>
    /// <returns>The consent state.</returns>
    OaiqConsent Resolve(HttpContext httpContext);
}
