namespace OaiqPixel.AspNetCore;

/// <summary>A visitor's measurement consent for one request.</summary>
public enum OaiqConsent
{
    /// <summary>The app does not manage consent: tracking runs and the pixel's own default applies (no <c>consent</c> call).</summary>
    NotRequired,

    /// <summary>Consent is given: tracking runs and <c>oaiq("consent", true)</c> precedes <c>init</c>.</summary>
    Granted,

    /// <summary>Consent is needed and not given: no <c>__oppref</c> cookie (an existing one is deleted), no script, nothing recorded.</summary>
    Denied,
}
