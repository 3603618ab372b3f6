namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>How the Conversions API answered one request, after the resilience handler's retries.</summary>
internal enum SendOutcome
{
    /// <summary>2xx: every event in the request was accepted.</summary>
    Delivered,

    /// <summary>400, 413 or 422: the request was refused for its content (one bad event rejects the whole batch).</summary>
    Rejected,

    /// <summary>401 or 403: the key was refused.</summary>
    Unauthorized,

    /// <summary>408, 429, 5xx, a timeout, a connection error or an open circuit, still failing after retries.</summary>
    Transient,

    /// <summary>Any other status (a wrong base address gives 404, for example).</summary>
    Unexpected,
}
