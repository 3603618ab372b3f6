using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.EntityFrameworkCore.Internal;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>The dispatcher's housekeeping: deletes records past the API's window and expired dead letters, and counts the table.</summary>
internal sealed class OutboxCleanup(
    IOutboxContextFactory contexts,
    DatabaseClock clock,
    OutboxStatus status,
    OutboxInstrumentation metrics,
    IOptionsMonitor<OaiqOutboxOptions> outbox,
    TimeProvider time,
    ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = outbox.CurrentValue;
        await using var lease = contexts.Create();
        var set = lease.Context.Set<OaiqOutboxMessage>();
        var now = time.GetUtcNow();
        var oldest = now - ConversionEventRecord.MaxAge;

        // Not those a live dispatcher holds (judged by the database's clock, as leases are): its round drops them itself.
        var databaseNow = await clock.ReadAsync(lease.Context, cancellationToken).ConfigureAwait(false);
        var stale = await set
            .Where(m => m.State == OaiqOutboxMessageState.Pending && m.OccurredAt < oldest && (m.ClaimId == null || m.DueAt <= databaseNow))
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (stale > 0)
        {
            metrics.Dropped(stale, "stale");
            OutboxLog.StaleDropped(logger, stale);
        }

        var expiredBefore = now - options.DeadLetterRetention;
        var expired = await set
            .Where(m => m.State == OaiqOutboxMessageState.DeadLettered && m.DeadLetteredAt < expiredBefore)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (expired > 0)
        {
            OutboxLog.DeadLettersExpired(logger, expired, options.DeadLetterRetention);
        }

        var pending = await set.LongCountAsync(m => m.State == OaiqOutboxMessageState.Pending, cancellationToken).ConfigureAwait(false);
        var deadLetters = await set.LongCountAsync(m => m.State == OaiqOutboxMessageState.DeadLettered, cancellationToken).ConfigureAwait(false);
        status.Counted(pending, deadLetters);
    }
}
