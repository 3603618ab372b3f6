namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>The result of one Conversions API request.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="StatusCode">The HTTP status, or <see langword="null"/> when no response arrived.</param>
/// <param name="ErrorMessage">The API's error message, or a description of the transport failure; never contains the key.</param>
/// <param name="RequestId">The API's request id header, if any.</param>
/// <param name="RetryAfter">The <c>Retry-After</c> the API asked for, if any.</param>
internal readonly record struct SendResult(SendOutcome Outcome, int? StatusCode, string? ErrorMessage, string? RequestId, TimeSpan? RetryAfter)
{
    public static string OutcomeName(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Delivered => "delivered",
        SendOutcome.Rejected => "rejected",
        SendOutcome.Unauthorized => "unauthorized",
        SendOutcome.Transient => "transient",
        _ => "unexpected",
    };
}
