namespace OaiqPixel.AspNetCore.Verification;

/// <summary>How the events stream answered one read.</summary>
/// <param name="Check">Completed (with <paramref name="Rows"/>), not available, unauthorized or failed.</param>
/// <param name="Rows">The rows of a completed read; empty otherwise.</param>
/// <param name="StatusCode">The HTTP status, when an answer came.</param>
/// <param name="Reason">Why it was not completed: the API's error message or code, or the transport failure (never the key).</param>
internal sealed record StreamAnswer(OaiqVerificationCheck Check, IReadOnlyList<StreamRow> Rows, int? StatusCode, string? Reason);
