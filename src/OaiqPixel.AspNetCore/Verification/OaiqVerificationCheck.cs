namespace OaiqPixel.AspNetCore.Verification;

/// <summary>How the latest read of a pixel's events stream went.</summary>
public enum OaiqVerificationCheck
{
    /// <summary>No check has run yet (the first runs one interval after start).</summary>
    Pending = 0,

    /// <summary>The stream answered and the legs were compared.</summary>
    Completed = 1,

    /// <summary>
    /// The stream is not enabled for the account (<c>404</c>, or <c>422</c> <c>feature_not_available</c>): logged once
    /// (log 302), and this pixel is asked again only after an hour (on the host's <see cref="TimeProvider"/>); a stream
    /// enabled later is read again (log 307) without a restart.
    /// </summary>
    NotAvailable = 2,

    /// <summary>The stream refused the Ads API key (<c>401</c>/<c>403</c>, log 303); checked again on the next interval.</summary>
    Unauthorized = 3,

    /// <summary>The stream could not be read (an outage, a timeout, an unexpected status or an unreadable answer, log 304); checked again on the next interval.</summary>
    Failed = 4,
}
