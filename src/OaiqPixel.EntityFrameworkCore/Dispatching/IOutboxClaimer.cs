using Microsoft.EntityFrameworkCore;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>Takes due records for one dispatcher, so that no two dispatchers hold the same record at once.</summary>
internal interface IOutboxClaimer
{
    /// <summary>How it claims, for the start-up log.</summary>
    string Method { get; }

    /// <summary>
    /// Marks up to <paramref name="take"/> due pending records (the earliest first) with <paramref name="claim"/> and a
    /// due time of <paramref name="leaseUntil"/>, counts the attempt, and returns them.
    /// </summary>
    Task<List<ClaimedMessage>> ClaimAsync(DbContext context, Guid claim, DateTimeOffset now, DateTimeOffset leaseUntil, int take, CancellationToken cancellationToken);
}
