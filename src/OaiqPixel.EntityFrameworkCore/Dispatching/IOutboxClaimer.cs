using Microsoft.EntityFrameworkCore;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>Takes due records for one dispatcher, so that no two dispatchers hold the same record at once.</summary>
internal interface IOutboxClaimer
{
    /// <summary>How it claims, for the start-up log.</summary>
    string Method { get; }

    /// <summary>
    /// Marks up to <paramref name="take"/> due pending records (the earliest first) with <paramref name="claim"/> and a
    /// due time of the database's time plus <paramref name="lease"/>, counts the attempt, and returns them. A record is due
    /// when no dispatcher ever took it, or when its due time has passed on the database's clock (<see cref="DatabaseClock"/>).
    /// </summary>
    Task<ClaimedBatch> ClaimAsync(DbContext context, Guid claim, TimeSpan lease, int take, CancellationToken cancellationToken);
}
