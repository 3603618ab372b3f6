namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>What a round did.</summary>
/// <param name="Claimed">Records claimed.</param>
/// <param name="RetryDelay">The back-off, when the API kept records for a retry.</param>
internal readonly record struct RoundResult(int Claimed, TimeSpan? RetryDelay);
